/**
 * Reference EiReport of the VTN. Life cycle of a report request: the VEN registers its reports;
 * the VTN requests one (requestReport: "requested", sent through oadrPoll); the VEN's
 * oadrCreatedReport makes it "active"; oadrUpdateReport delivers data for active requests only;
 * the VTN's cancelReport makes it "cancelling" until the VEN's oadrCanceledReport ("cancelled").
 * Requests a VEN makes of the VTN's own reports follow the same states.
 */
import type { OadrCreateReportType, OadrReportType } from "../../gen/types.js";
import { batchResponse, EiFault, eiResponse, type ItemOutcome } from "../../responses.js";
import { list } from "../context.js";
import type { OadrReportService } from "../interfaces.js";
import { registeredVen, type VenRecord, type VtnState } from "./state.js";

const P = "/oadrPayload/oadrSignedObject";

function pending(
  state: VtnState,
  venID: string,
  requester: "VTN" | "VEN",
): { reportRequestID?: string[] } {
  const ids = [...state.reportRequests.values()]
    .filter(
      (r) =>
        r.venID === venID &&
        r.requester === requester &&
        (r.state === "active" || r.state === "requested"),
    )
    .map((r) => r.reportRequestID);
  return ids.length ? { reportRequestID: ids } : {};
}

export function reportService(state: VtnState): OadrReportService {
  return {
    registerReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrRegisterReport/venID`);
      ven.reports.clear();
      for (const report of list<OadrReportType>(req.oadrReport))
        ven.reports.set(report.reportSpecifierID, report);
      // requests for reports the VEN no longer offers end
      for (const r of state.reportRequests.values())
        if (r.venID === ven.venID && r.requester === "VTN" && !ven.reports.has(r.reportSpecifierID))
          r.state = "cancelled";
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
    },

    registeredReport(req) {
      // the reference VTN offers no reports of its own, so it never sends oadrRegisterReport
      const ven = registeredVen(state, req.venID, `${P}/oadrRegisteredReport/venID`);
      throw new EiFault(
        "outOfSequence",
        `the VTN sent VEN ${ven.venID} no oadrRegisterReport (it offers no reports of its own)`,
        `${P}/oadrRegisteredReport`,
      );
    },

    createReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrCreateReport/venID`);
      const offered = new Set(state.options.vtnReportSpecifiers ?? []);
      const outcomes: ItemOutcome[] = list(req.oadrReportRequest).map((r, i) => {
        const where = `${P}/oadrCreateReport/oadrReportRequest[${i}]`;
        const id = r.reportRequestID;
        if (!offered.has(r.reportSpecifier.reportSpecifierID))
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `the VTN offers no report ${r.reportSpecifier.reportSpecifierID}`,
              `${where}/reportSpecifier/reportSpecifierID`,
            ),
          };
        if (state.reportRequests.has(id))
          return {
            id,
            fault: new EiFault(
              "notAllowed",
              `report request ${id} exists`,
              `${where}/reportRequestID`,
            ),
          };
        state.reportRequests.set(id, {
          reportRequestID: id,
          venID: ven.venID,
          reportSpecifierID: r.reportSpecifier.reportSpecifierID,
          requester: "VEN",
          state: "active",
          updates: 0,
        });
        return { id };
      });
      return {
        eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
        oadrPendingReports: pending(state, ven.venID, "VEN"),
        venID: ven.venID,
      };
    },

    createdReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrCreatedReport/venID`);
      const outcomes: ItemOutcome[] = list(req.oadrPendingReports.reportRequestID).map((id, i) => {
        const r = state.reportRequests.get(id);
        if (!r || r.venID !== ven.venID || r.requester !== "VTN")
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `the VTN made no report request ${id}`,
              `${P}/oadrCreatedReport/oadrPendingReports/reportRequestID[${i}]`,
            ),
          };
        if (r.state === "requested") r.state = "active";
        return { id };
      });
      return { eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes), venID: ven.venID };
    },

    updateReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrUpdateReport/venID`);
      const outcomes: ItemOutcome[] = list<OadrReportType>(req.oadrReport).map((report, i) => {
        const where = `${P}/oadrUpdateReport/oadrReport[${i}]`;
        const id = report.reportRequestID;
        const r = state.reportRequests.get(id);
        if (!r || r.venID !== ven.venID || r.requester !== "VTN")
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `no report request ${id} of VEN ${ven.venID}`,
              `${where}/reportRequestID`,
            ),
          };
        if (r.state !== "active")
          return {
            id,
            fault: new EiFault(
              "notAllowed",
              `report request ${id} is ${r.state}`,
              `${where}/reportRequestID`,
            ),
          };
        if (report.reportSpecifierID !== r.reportSpecifierID)
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `request ${id} is for report ${r.reportSpecifierID}`,
              `${where}/reportSpecifierID`,
            ),
          };
        r.updates++;
        return { id };
      });
      return { eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes), venID: ven.venID };
    },

    cancelReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrCancelReport/venID`);
      const outcomes: ItemOutcome[] = list(req.reportRequestID).map((id, i) => {
        const r = state.reportRequests.get(id);
        const where = `${P}/oadrCancelReport/reportRequestID[${i}]`;
        if (!r || r.venID !== ven.venID || r.requester !== "VEN")
          return {
            id,
            fault: new EiFault("invalidId", `VEN ${ven.venID} made no report request ${id}`, where),
          };
        if (r.state === "cancelled")
          return {
            id,
            fault: new EiFault("notAllowed", `report request ${id} is already cancelled`, where),
          };
        r.state = "cancelled";
        return { id };
      });
      return {
        eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
        oadrPendingReports: pending(state, ven.venID, "VEN"),
        venID: ven.venID,
      };
    },

    canceledReport(req, ctx) {
      const ven = registeredVen(state, req.venID, `${P}/oadrCanceledReport/venID`);
      const still = new Set(list(req.oadrPendingReports.reportRequestID));
      let acknowledged = 0;
      for (const r of state.reportRequests.values())
        if (
          r.venID === ven.venID &&
          r.requester === "VTN" &&
          r.state === "cancelling" &&
          !still.has(r.reportRequestID)
        ) {
          r.state = "cancelled";
          acknowledged++;
        }
      if (acknowledged === 0)
        throw new EiFault(
          "outOfSequence",
          "no cancellation of a report request is pending for this VEN",
          `${P}/oadrCanceledReport`,
        );
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
    },
  };
}

/** The VTN asks a VEN for one of the reports it registered; queued for oadrPoll. Returns the reportRequestID. */
export function requestReport(
  state: VtnState,
  venID: string,
  reportSpecifierID: string,
  options: { granularity?: string; reportBackDuration?: string } = {},
): string {
  const ven = registeredVen(state, venID, "/venID");
  const report = ven.reports.get(reportSpecifierID);
  if (!report)
    throw new EiFault(
      "invalidId",
      `VEN ${venID} registered no report ${reportSpecifierID}`,
      "/reportSpecifierID",
    );
  const reportRequestID = state.ids.next("report-request");
  const rIDs = list(report.oadrReportDescription).map((d) => d.rID);
  const message: OadrCreateReportType = {
    requestID: state.ids.next("request"),
    oadrReportRequest: [
      {
        reportRequestID,
        reportSpecifier: {
          reportSpecifierID,
          granularity: { duration: options.granularity ?? "PT15M" },
          reportBackDuration: { duration: options.reportBackDuration ?? "PT15M" },
          specifierPayload: rIDs.map((rID) => ({ rID, readingType: "x-notApplicable" })),
        },
      },
    ],
    venID,
  } as OadrCreateReportType;
  state.reportRequests.set(reportRequestID, {
    reportRequestID,
    venID,
    reportSpecifierID,
    requester: "VTN",
    state: "requested",
    updates: 0,
  });
  enqueue(ven, "oadr:oadrCreateReport", message);
  return reportRequestID;
}

/** The VTN cancels a report request it made; the VEN confirms with oadrCanceledReport. */
export function cancelReportRequest(state: VtnState, reportRequestID: string): void {
  const r = state.reportRequests.get(reportRequestID);
  if (r?.requester !== "VTN")
    throw new EiFault(
      "invalidId",
      `the VTN made no report request ${reportRequestID}`,
      "/reportRequestID",
    );
  if (r.state === "cancelled" || r.state === "cancelling")
    throw new EiFault(
      "notAllowed",
      `report request ${reportRequestID} is ${r.state}`,
      "/reportRequestID",
    );
  r.state = "cancelling";
  const ven = registeredVen(state, r.venID, "/venID");
  enqueue(ven, "oadr:oadrCancelReport", {
    requestID: state.ids.next("request"),
    reportRequestID: [reportRequestID],
    reportToFollow: false,
    venID: r.venID,
  });
}

function enqueue(ven: VenRecord, element: string, value: unknown): void {
  ven.queue.push({ element, value });
}
