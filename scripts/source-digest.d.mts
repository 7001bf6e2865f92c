export declare const BUILD_INFO: string;
/** The digest of src/ and the build settings, or null when src/ is not there. */
export declare function sourceDigest(root: string): string | null;
