/** A zip ready for Lambda. */
export interface Bundle {
  /** Absolute path of the zip file. */
  file: string;
  /** Bytes of the zip (Lambda's CodeSize). */
  size: number;
  /** Sum of the files' sizes, what Lambda checks against its 250 MB limit. */
  unzippedSize: number;
  fileCount: number;
  /** Base64 of the zip's SHA-256, as Lambda reports CodeSha256. */
  codeSha256: string;
  /** The full commit sha the bundle was made from. */
  revision: string;
  /** What the zip holds, in the zip's order: path in the zip, bytes, 0o644 or 0o755. */
  files: ReadonlyArray<{ name: string; size: number; mode: number }>;
}
