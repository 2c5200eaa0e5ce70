/**
 * The parts of the packages that only `npm run test:system` installs (package.json's "systemTestDependencies") that
 * this repository's code uses: `npm ci` leaves them out (the ONNX runtime alone is hundreds of megabytes), and
 * `npm run typecheck` must pass on that install. TypeScript prefers these declarations to the packages' own even
 * when those are installed, so the typecheck is the same either way; the system tests run the real packages.
 */

declare module "@huggingface/transformers" {
  /** Transformers.js's library-wide settings, read at each load. */
  export const env: {
    allowLocalModels: boolean;
    allowRemoteModels: boolean;
    localModelPath: string;
    cacheDir: string | null;
  };

  export interface Tensor {
    dims: number[];
    data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  }

  export interface FeatureExtractionPipeline {
    (
      texts: string | string[],
      options?: {
        pooling?: "none" | "mean" | "cls" | "first_token" | "eos" | "last_token";
        normalize?: boolean;
      },
    ): Promise<Tensor>;
    dispose(): Promise<void>;
  }

  export function pipeline(
    task: "feature-extraction",
    model: string,
    options?: {
      dtype?: "auto" | "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
      local_files_only?: boolean;
    },
  ): Promise<FeatureExtractionPipeline>;
}

declare module "onnx-proto" {
  /** onnx-proto's protobufjs classes, as far as scripts/make-tiny-model.ts writes a model with them. */
  const onnxProto: {
    onnx: {
      TensorProto: { DataType: { FLOAT: number; INT64: number } };
      ModelProto: {
        create(properties: Record<string, unknown>): unknown;
        encode(message: unknown): { finish(): Uint8Array };
      };
    };
  };
  export default onnxProto;
}
