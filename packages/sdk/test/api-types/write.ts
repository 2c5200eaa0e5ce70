/** `npm run generate:types -w @prompt-service/sdk`: rewrites src/generated/api.ts from @prompt-service/protocol's schemas. */
import { writeFileSync } from "node:fs";
import { GENERATED_FILE, generateApiTypes } from "./generate.js";

writeFileSync(GENERATED_FILE, generateApiTypes());
process.stdout.write(`wrote ${GENERATED_FILE}\n`);
