import { createTestSchema } from "@prompt-service/testkit";
import { openStorage } from "../../src/storage/index.js";
import { storageContract } from "./contract.js";

storageContract("PostgreSQL", async () => {
  const schema = await createTestSchema("storage");
  return {
    open: () => openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name }),
    cleanup: () => schema.drop(),
  };
});
