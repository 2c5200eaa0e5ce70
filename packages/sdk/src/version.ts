import manifest from "../package.json" with { type: "json" };

/** This package's version, sent in the User-Agent so that server logs tell which clients call. */
export const VERSION: string = manifest.version;
