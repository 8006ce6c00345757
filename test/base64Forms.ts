// Leak tests look for a secret and its base64 forms (a value carried inside an encoded payload).
/** What a secret looks like inside base64 text, whatever its offset (3 alignments). */
export function base64Forms(secret: string): string[] {
  return [0, 1, 2].map((o) => {
    const b64 = Buffer.concat([Buffer.alloc(o), Buffer.from(secret)]).toString("base64");
    // Drop the characters that depend on the bytes around the secret.
    return b64.slice(Math.ceil((o * 4) / 3) + 1, Math.floor(((o + secret.length) * 4) / 3) - 1);
  });
}
