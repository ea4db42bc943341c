// Worker threads do not inherit tsx's module hooks on every Node version: register them here.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
