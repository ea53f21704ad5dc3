import { connect } from "@nats-io/transport-node";
import {
  MarketNode,
  priceToString,
  quantityToString,
  toPrice,
  toQuantity,
} from "@transactive/market";
import { createMarketDispatcher } from "@transactive/market/ei";
import { NatsChildren, NatsParentLink, serveEiOverNats, startNatsServer } from "@transactive/scale";

// a nats-server on a free port of 127.0.0.1 (Debian: apt-get install nats-server)
const server = await startNatsServer({ jetStream: false });
const market = (id: string) =>
  new MarketNode({
    id,
    marketContext: `urn:example:${id}`,
    currency: "USD",
    interval: "PT15M",
    mechanism: "call",
  });

// the parent market: a supplier, and a child market that runs elsewhere
const city = market("city");
city.addMember({
  id: "supplier",
  bid: () => [{ side: "sell", price: toPrice("0.10"), quantity: toQuantity("5") }],
  award: () => {},
});
const up = await connect({ servers: server.url });
const children = new NatsChildren(up, city);
children.addChild("microgrid");
await children.start();
await serveEiOverNats(up, createMarketDispatcher(city), { market: "city" });

// the child market, on its own connection (another process or machine in practice)
const microgrid = market("microgrid");
microgrid.addMember({
  id: "house",
  bid: () => [{ side: "buy", price: toPrice("0.30"), quantity: toQuantity("2") }],
  award: () => {},
});
const down = await connect({ servers: server.url });
const link = new NatsParentLink(down, microgrid, {
  parent: "city",
  marketContext: "urn:example:city",
});
await link.connect();

// interval 0: the child's aggregate curve goes up, the parent clears, price and award come down
await link.submit(0);
await children.collect(0);
city.clear(0);
const award = await link.settle(0);
console.log(priceToString(award.price ?? toPrice("0")), quantityToString(award.net)); // 0.2 2

await down.close();
await up.close();
await server.stop();
