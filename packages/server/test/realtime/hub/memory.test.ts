import { createHub } from "../../../src/realtime/hub/index.js";
import { hubContract } from "./contract.js";

hubContract("in-process", async () => ({
  kind: "memory",
  open: (options) => createHub({ ...options }),
}));
