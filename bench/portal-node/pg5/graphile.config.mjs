// PostGraphile v5 for bench/portal.py: amber preset + V4 compatibility (naming, simple
// collections 'both', dynamic JSON) so the v4 queries (reference/X.postgraphile.graphql) run
// unchanged. From /work/shared/bench-reference/postgraphile-v5/ (the figures of issue #13),
// with the address taken from the environment (PORT, DATABASE_URL).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makeV4Preset } from "postgraphile/presets/v4";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [
    PostGraphileAmberPreset,
    makeV4Preset({ simpleCollections: "both", dynamicJson: true, graphiql: false, watchPg: false }),
  ],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      pubsub: false,
    }),
  ],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PORT ?? 18400), graphiql: false, watch: false },
  grafast: { explain: false },
};
export default preset;
