// grafserv (node adaptor) serving PostGraphile v5 on 127.0.0.1:$PORT/graphql, for bench/portal.py.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const port = Number(process.env.PORT ?? 18400);
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => { console.error(e); process.exit(1); });
serv.addTo(server).catch((e) => { console.error(e); process.exit(1); });
server.listen(port, "127.0.0.1", () => console.log(`PostGraphile v5 listening on http://127.0.0.1:${port}/graphql`));
