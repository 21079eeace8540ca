/**
 * A raw RFC 822 e-mail split into the fields the walkthroughs learn from. Not a full MIME parser:
 * headers are unfolded, the first text part of a multipart body is kept, HTML tags are dropped.
 */
import { typeError } from "../validate";

/** The fields of one e-mail. */
export interface ParsedEmail {
  /** The `Subject:` header, unfolded; `""` when absent. */
  subject: string;
  /** The `From:` header as written. */
  from: string;
  /** The sender's address, lower-cased (`"jm@example.com"`), or `""` when none is found. */
  senderAddress: string;
  /** The sender's domain, lower-cased, without subdomains beyond the registrable part heuristic (`"example.com"`). */
  senderDomain: string;
  /** The body text: the first `text/plain` part (else `text/html` with tags removed). */
  body: string;
}

const ADDRESS = /[A-Za-z0-9._%+\-=!#$&'*/?^`{|}~]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)/;

/** The last two labels of a host name, or three when the second-level label is a short public suffix (`co.uk`). */
function registrable(host: string): string {
  const labels = host.toLowerCase().split(".").filter(Boolean);
  if (labels.length <= 2) return labels.join(".");
  const sld = labels[labels.length - 2];
  // why: "example.co.uk" / "example.com.au" — a 2–3 letter second level under a 2-letter country code
  const take = labels[labels.length - 1].length === 2 && sld.length <= 3 ? 3 : 2;
  return labels.slice(-take).join(".");
}

function headerBlock(text: string): { headers: Map<string, string>; rest: string } {
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const rest = split < 0 ? "" : text.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers = new Map<string, string>();
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^([!-9;-~]+):\s?(.*)$/.exec(line);
    if (m) {
      const key = m[1].toLowerCase();
      if (!headers.has(key)) headers.set(key, m[2].trim());
    }
  }
  return { headers, rest };
}

/** Quoted-printable bytes, decoded as UTF-8 when the part says so, else as Latin-1. */
function decodeQuotedPrintable(s: string, utf8: boolean): string {
  const latin1 = s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return utf8 ? Buffer.from(latin1, "latin1").toString("utf8") : latin1;
}

function stripHtml(s: string): string {
  return s
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">");
}

function bodyOf(headers: Map<string, string>, rest: string, depth = 0): string {
  const type = (headers.get("content-type") ?? "text/plain").toLowerCase();
  const enc = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get("content-type") ?? "")?.[1];
  if (type.startsWith("multipart/") && boundary && depth < 4) {
    const parts = rest.split(`--${boundary}`).slice(1);
    const parsed = parts.map((p) => headerBlock(p.replace(/^\r?\n/, "")));
    const plain = parsed.find((p) => (p.headers.get("content-type") ?? "text/plain").toLowerCase().startsWith("text/plain"));
    const any = plain ?? parsed.find((p) => /^(text\/|multipart\/)/.test((p.headers.get("content-type") ?? "text/plain").toLowerCase()));
    return any ? bodyOf(any.headers, any.rest, depth + 1) : "";
  }
  let text = rest;
  const utf8 = /charset="?utf-?8/i.test(headers.get("content-type") ?? "");
  if (enc === "quoted-printable") text = decodeQuotedPrintable(text, utf8);
  else if (enc === "base64") {
    try {
      text = Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8");
    } catch {
      text = "";
    }
  }
  if (type.startsWith("text/html")) text = stripHtml(text);
  return text.trim();
}

/**
 * Splits a raw e-mail into subject, sender and body.
 * @example
 * const { subject, senderDomain, body } = parseEmail(rawText);
 */
export function parseEmail(text: string): ParsedEmail {
  if (typeof text !== "string") throw typeError("parseEmail", "text", "a string", text);
  // mbox files start with a "From sender date" line that is not a header
  const { headers, rest } = headerBlock(text.replace(/^From [^\n]*\n/, ""));
  const from = headers.get("from") ?? "";
  const m = ADDRESS.exec(from);
  return {
    subject: headers.get("subject") ?? "",
    from,
    senderAddress: m ? m[0].toLowerCase() : "",
    senderDomain: m ? registrable(m[1]) : "",
    body: bodyOf(headers, rest),
  };
}
