/**
 * A stand-in for openleadr-python 0.5.34's VTN (which cannot run here), answering with raw XML in
 * the shapes its Jinja templates produce: a default-namespace oadrPayload around an
 * oadrSignedObject carrying oadr:Id="oadrSignedObject"; empty <ei:registrationID/> and <ei:venID/>
 * in the answer to oadrQueryRegistration; dates with microseconds; report requests inside
 * oadrRegisteredReport (granularity = reportBackDuration, one specifierPayload); an empty HTTP 200
 * for every oadrResponse a VEN sends; oadrRequestReregistration as the answer to any message when
 * it wants the VEN to register again; a 400 when the Content-Type is not application/xml. Written
 * from reading openleadr's templates and service code, not copied.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const OADR = "http://openadr.org/oadr-2.0b/2012/07";
const EI = "http://docs.oasis-open.org/ns/energyinterop/201110";
const PYLD = "http://docs.oasis-open.org/ns/energyinterop/201110/payloads";
const XCAL = "urn:ietf:params:xml:ns:icalendar-2.0";
const STRM = "urn:ietf:params:xml:ns:icalendar-2.0:stream";
const EMIX = "http://docs.oasis-open.org/ns/emix/2011/06";

/** What the stub received and how it behaves. */
export interface OpenleadrStub {
  readonly url: string;
  readonly vtnID: string;
  /** every request: path, content type, body */
  readonly requests: { path: string; contentType: string; body: string }[];
  /** answer the next oadrPoll with oadrRequestReregistration */
  requestReregistration(): void;
  close(): Promise<void>;
}

const micro = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
const id = () => Math.random().toString(16).slice(2, 12);

function payload(inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<oadrPayload xmlns="${OADR}">
<oadr:oadrSignedObject xmlns:oadr="${OADR}" oadr:Id="oadrSignedObject">
${inner}
</oadr:oadrSignedObject>
</oadrPayload>`;
}

function response(code: number, requestID: string): string {
  return `<ei:eiResponse>
      <ei:responseCode>${code}</ei:responseCode>
      <ei:responseDescription>OK</ei:responseDescription>
      <requestID xmlns="${PYLD}">${requestID}</requestID>
    </ei:eiResponse>`;
}

const tag = (xml: string, name: string) =>
  new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1] ?? "";

export async function startOpenleadrStub(
  options: { vtnID?: string; pollFreq?: string; granularity?: string } = {},
): Promise<OpenleadrStub> {
  const vtnID = options.vtnID ?? "openleadr-vtn";
  const requests: OpenleadrStub["requests"] = [];
  let reregister = false;
  const venID = "ven-openleadr-1";
  let registration = 0;

  function created(requestID: string, granted: boolean): string {
    return `<oadr:oadrCreatedPartyRegistration ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    ${response(200, requestID)}
    ${granted ? `<ei:registrationID>reg-${++registration}</ei:registrationID>` : "<ei:registrationID />"}
    ${granted ? `<ei:venID>${venID}</ei:venID>` : "<ei:venID />"}
    <ei:vtnID>${vtnID}</ei:vtnID>
    <oadr:oadrProfiles>
      <oadr:oadrProfile>
        <oadr:oadrProfileName>2.0b</oadr:oadrProfileName>
        <oadr:oadrTransports>
          <oadr:oadrTransport>
            <oadr:oadrTransportName>simpleHttp</oadr:oadrTransportName>
          </oadr:oadrTransport>
        </oadr:oadrTransports>
      </oadr:oadrProfile>
    </oadr:oadrProfiles>
    <oadr:oadrRequestedOadrPollFreq>
      <duration xmlns="${XCAL}">${options.pollFreq ?? "PT1S"}</duration>
    </oadr:oadrRequestedOadrPollFreq>
  </oadr:oadrCreatedPartyRegistration>`;
  }

  function oadrResponse(requestID: string): string {
    return `<oadr:oadrResponse ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    ${response(200, requestID)}
    <ei:venID>${venID}</ei:venID>
  </oadr:oadrResponse>`;
  }

  function registeredReport(requestID: string, reportSpecifierID: string): string {
    const g = options.granularity ?? "PT1S";
    return `<oadr:oadrRegisteredReport ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    ${response(200, requestID)}
    <oadr:oadrReportRequest>
      <ei:reportRequestID>rr-${id()}</ei:reportRequestID>
      <ei:reportSpecifier xmlns:xcal="${XCAL}">
        <ei:reportSpecifierID>${reportSpecifierID}</ei:reportSpecifierID>
        <xcal:granularity>
          <xcal:duration>${g}</xcal:duration>
        </xcal:granularity>
        <ei:reportBackDuration>
          <xcal:duration>${g}</xcal:duration>
        </ei:reportBackDuration>
        <ei:specifierPayload>
          <ei:rID>power</ei:rID>
          <ei:readingType>Direct Read</ei:readingType>
        </ei:specifierPayload>
      </ei:reportSpecifier>
    </oadr:oadrReportRequest>
    <ei:venID>${venID}</ei:venID>
  </oadr:oadrRegisteredReport>`;
  }

  function distributeEvent(requestID: string): string {
    const now = new Date();
    return `<oadr:oadrDistributeEvent ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    ${response(200, requestID)}
    <requestID xmlns="${PYLD}">${id()}</requestID>
    <ei:vtnID>${vtnID}</ei:vtnID>
    <oadr:oadrEvent>
      <ei:eiEvent>
        <ei:eventDescriptor>
          <ei:eventID>event-openleadr-1</ei:eventID>
          <ei:modificationNumber>0</ei:modificationNumber>
          <ei:priority>0</ei:priority>
          <ei:eiMarketContext>
            <marketContext xmlns="${EMIX}">http://marketcontext01</marketContext>
          </ei:eiMarketContext>
          <ei:createdDateTime>${micro(now)}</ei:createdDateTime>
          <ei:eventStatus>far</ei:eventStatus>
          <ei:testEvent>false</ei:testEvent>
          <ei:vtnComment></ei:vtnComment>
        </ei:eventDescriptor>
        <ei:eiActivePeriod>
          <properties xmlns="${XCAL}">
            <dtstart>
              <date-time>${micro(new Date(now.getTime() + 3_600_000))}</date-time>
            </dtstart>
            <duration>
              <duration>PT15M</duration>
            </duration>
          </properties>
          <components xmlns="${XCAL}" />
        </ei:eiActivePeriod>
        <ei:eiEventSignals>
          <ei:eiEventSignal>
            <intervals xmlns="${STRM}">
              <ei:interval>
                <duration xmlns="${XCAL}">
                  <duration>PT15M</duration>
                </duration>
                <uid xmlns="${XCAL}">
                  <text>0</text>
                </uid>
                <ei:signalPayload>
                  <ei:payloadFloat>
                    <ei:value>1.0</ei:value>
                  </ei:payloadFloat>
                </ei:signalPayload>
              </ei:interval>
            </intervals>
            <ei:signalName>SIMPLE</ei:signalName>
            <ei:signalType>level</ei:signalType>
            <ei:signalID>${id()}</ei:signalID>
          </ei:eiEventSignal>
        </ei:eiEventSignals>
        <ei:eiTarget>
          <ei:venID>${venID}</ei:venID>
        </ei:eiTarget>
      </ei:eiEvent>
      <oadr:oadrResponseRequired>always</oadr:oadrResponseRequired>
    </oadr:oadrEvent>
  </oadr:oadrDistributeEvent>`;
  }

  const answer = (type: string, body: string): string | undefined => {
    const requestID = tag(body, "requestID");
    switch (type) {
      case "oadrQueryRegistration":
        return created(requestID, false);
      case "oadrCreatePartyRegistration":
        return created(requestID, true);
      case "oadrRegisterReport":
        return registeredReport(requestID, tag(body, "reportSpecifierID"));
      case "oadrRequestEvent":
        return distributeEvent(requestID);
      case "oadrPoll":
        if (reregister) {
          reregister = false;
          return `<oadr:oadrRequestReregistration ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    <ei:venID>${venID}</ei:venID>
  </oadr:oadrRequestReregistration>`;
        }
        return oadrResponse(requestID);
      case "oadrUpdateReport":
        return `<oadr:oadrUpdatedReport ei:schemaVersion="2.0b" xmlns:ei="${EI}">
    ${response(200, requestID)}
    <ei:venID>${venID}</ei:venID>
  </oadr:oadrUpdatedReport>`;
      default:
        // oadrCreatedEvent, oadrCreatedReport…: a plain oadrResponse
        return oadrResponse(requestID);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const contentType = req.headers["content-type"] ?? "";
      requests.push({ path: req.url ?? "", contentType, body });
      if (!contentType.toLowerCase().startsWith("application/xml")) {
        res
          .writeHead(400)
          .end(`The Content-Type header must be application/xml; you provided ${contentType}`);
        return;
      }
      const type = /<(?:\w+:)?oadrSignedObject\b[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? "";
      if (type === "oadrResponse") {
        // openleadr: SendEmptyHTTPResponse
        res.writeHead(200, { "content-type": "application/xml" }).end("");
        return;
      }
      const inner = answer(type, body);
      res
        .writeHead(200, { "content-type": "application/xml; charset=utf-8" })
        .end(payload(inner ?? ""));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    vtnID,
    requests,
    requestReregistration() {
      reregister = true;
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
