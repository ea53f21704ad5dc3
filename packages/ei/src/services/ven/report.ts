/**
 * Reference EiReport of the VEN: the VTN registers its reports with the VEN, requests (and
 * cancels) the reports the VEN offers, and acknowledges the VEN's updates. The reference VEN asks
 * the VTN for no reports of its own, so an oadrUpdateReport pushed to it names no request of it.
 */
import type { OadrCancelReportType, OadrReportType } from "../../gen/types.js";
import { batchResponse, EiFault, eiResponse, type ItemOutcome } from "../../responses.js";
import { list } from "../context.js";
import type { OadrVenReportService } from "../interfaces.js";
import { checkVenID, registration, type VenState } from "./state.js";

const P = "/oadrPayload/oadrSignedObject";

export function venReportService(state: VenState): OadrVenReportService {
  const active = () =>
    [...state.reportRequests.values()]
      .filter((r) => r.state === "active")
      .map((r) => r.reportRequestID);

  function cancel(req: OadrCancelReportType, path: string): ItemOutcome[] {
    return list(req.reportRequestID).map((id, i) => {
      const r = state.reportRequests.get(id);
      const where = `${path}/reportRequestID[${i}]`;
      if (!r)
        return {
          id,
          fault: new EiFault("invalidId", `the VTN made no report request ${id}`, where),
        };
      if (r.state === "cancelled")
        return {
          id,
          fault: new EiFault("notAllowed", `report request ${id} is already cancelled`, where),
        };
      r.state = "cancelled";
      return { id };
    });
  }

  return {
    registerReport(req, ctx) {
      const path = `${P}/oadrRegisterReport`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      for (const report of list<OadrReportType>(req.oadrReport))
        state.vtnReports.set(report.reportSpecifierID, report);
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: state.venID };
    },

    createReport(req, ctx) {
      const path = `${P}/oadrCreateReport`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      const outcomes: ItemOutcome[] = list(req.oadrReportRequest).map((r, i) => {
        const where = `${path}/oadrReportRequest[${i}]`;
        const id = r.reportRequestID;
        const specifier = r.reportSpecifier.reportSpecifierID;
        if (!state.offeredReports.has(specifier))
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `VEN ${state.venID} offers no report ${specifier}`,
              `${where}/reportSpecifier/reportSpecifierID`,
            ),
          };
        if (state.reportRequests.get(id)?.state === "active")
          return {
            id,
            fault: new EiFault(
              "notAllowed",
              `report request ${id} is already active`,
              `${where}/reportRequestID`,
            ),
          };
        state.reportRequests.set(id, {
          reportRequestID: id,
          reportSpecifierID: specifier,
          state: "active",
        });
        return { id };
      });
      return {
        eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
        oadrPendingReports: { reportRequestID: active() },
        venID: state.venID,
      };
    },

    updateReport(req, ctx) {
      const path = `${P}/oadrUpdateReport`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      const outcomes: ItemOutcome[] = list<OadrReportType>(req.oadrReport).map((r, i) => ({
        id: r.reportRequestID,
        fault: new EiFault(
          "invalidId",
          `VEN ${state.venID} made no report request ${r.reportRequestID} (the reference VEN requests no reports)`,
          `${path}/oadrReport[${i}]/reportRequestID`,
        ),
      }));
      return {
        eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
        venID: state.venID,
      };
    },

    cancelReport(req, ctx) {
      const path = `${P}/oadrCancelReport`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      const outcomes = cancel(req, path);
      return {
        eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
        oadrPendingReports: { reportRequestID: active() },
        venID: state.venID,
      };
    },

    updatedReport(req, ctx) {
      const path = `${P}/oadrUpdatedReport`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      state.acknowledgements.push(req.eiResponse.responseCode);
      // the VTN may piggyback a cancellation of its report requests on the acknowledgement
      const outcomes = req.oadrCancelReport
        ? cancel(req.oadrCancelReport, `${path}/oadrCancelReport`)
        : [];
      return {
        element: "oadr:oadrResponse",
        value: {
          eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
          venID: state.venID,
        },
      };
    },
  };
}
