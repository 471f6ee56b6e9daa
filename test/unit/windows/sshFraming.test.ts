// The SSH session's replies are read between a fresh nonce's markers: output before the begin marker, a marker
// inside a line or another script's marker never end a reply.
import { describe, expect, it } from "vitest";
import { framedReply, framedRequest } from "../../../src/transports/powershellOverSsh";

const { begin, end } = framedRequest("x", "ab".repeat(16));

describe("SSH session framing", () => {
  it("waits for the end marker as a whole line", () => {
    expect(framedReply(`${begin}\n{"ok":true}\n`, begin, end)).toBeUndefined();
    expect(framedReply(`${begin}\nsaid ${end}\n`, begin, end)).toBeUndefined();
    expect(framedReply(`${begin}\n${end}x\n`, begin, end)).toBeUndefined();
    expect(framedReply(`${begin}\n${end}`, begin, end)).toEqual({ reply: "", rest: "" });
  });

  it("keeps what lies between the markers, CRLF or LF, and drops what came before the begin marker", () => {
    expect(framedReply(`PS C:\\> stray\r\n${begin}\r\n{"ok":true}\r\nline 2\r\n${end}\r\nnext`, begin, end)).toEqual({ reply: `{"ok":true}\r\nline 2\r\n`, rest: "next" });
  });

  it("is not ended by another nonce's marker", () => {
    const other = framedRequest("x", "cd".repeat(16));
    expect(framedReply(`${begin}\n${other.end}\n`, begin, end)).toBeUndefined();
    expect(framedReply(`${begin}\n${other.end}\n${end}\n`, begin, end)).toEqual({ reply: `${other.end}\n`, rest: "" });
  });

  it("takes nothing after a begin marker that ends the stream, and a marker with regex characters literally", () => {
    expect(framedReply(`${begin}\n${end}\n`, begin, end)).toEqual({ reply: "", rest: "" });
    expect(framedReply(`x\n${end}\n`, "a.b", end)).toEqual({ reply: "x\n", rest: "" });
    expect(framedReply(`axb\n${end}\n`, "a.b", end)).toEqual({ reply: "axb\n", rest: "" });
  });
});
