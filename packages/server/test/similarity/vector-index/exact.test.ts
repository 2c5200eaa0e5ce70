import { createExactVectorIndex } from "../../../src/similarity/vector-index/index.js";
import { vectorIndexContract } from "./contract.js";

vectorIndexContract("exact", createExactVectorIndex);
