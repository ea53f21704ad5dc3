import { createTypedEiClient } from "@transactive/ei-node";
import { createVtnAdminClient, startVtn } from "@transactive/vtn";

// a VTN on a free port, its admin API behind a bearer token
const token = "replace-me-with-openssl-rand-hex-32";
const vtn = await startVtn({ vtnID: "Utility-VTN", port: 0, admin: { tokens: [token] } });
const admin = createVtnAdminClient({ url: vtn.url, token });

// a VEN registers for pull (the typed client of @transactive/ei-node plays the VEN here)
const ven = createTypedEiClient({ baseUrl: vtn.url, profile: "openadr2b" });
const registered = await ven.EiRegisterParty.createPartyRegistration({
  requestID: "req-1",
  oadrProfileName: "2.0b",
  oadrTransportName: "simpleHttp",
  oadrReportOnly: false,
  oadrXmlSignature: false,
  oadrVenName: "lab-ven",
  oadrHttpPullModel: true,
});
const venID = registered.value.venID ?? "";

// the operator publishes an event from a small description
await admin.publishEvent({
  eventID: "evt-peak",
  start: "now+PT5M",
  signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT30M", value: 2 }] }],
});

// the VEN's next poll carries it
const polled = await ven.OadrPoll.poll({ venID });
console.log(polled.element); // oadr:oadrDistributeEvent
console.log(JSON.stringify(await admin.vens()).includes(venID)); // true

await ven.close();
await vtn.close();
