import { type TLiteral, Type } from "typebox";
import { ERROR_CODES, type ErrorCode } from "../error-codes.js";

export const ErrorBody = Type.Object(
  {
    detail: Type.String({ description: "Human-readable explanation." }),
    // One literal per code; typed as a one-element tuple, whose static type is the union of the codes.
    code: Type.Union(
      (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => Type.Literal(code)) as [TLiteral<ErrorCode>],
      { description: "Machine-readable error code." },
    ),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: "Validation messages per field (validation errors only).",
      }),
    ),
  },
  { $id: "ErrorBody", description: "Every error response has this shape." },
);
