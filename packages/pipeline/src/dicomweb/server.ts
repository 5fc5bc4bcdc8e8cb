// Where a DICOMweb server is and how to sign in to it. Credentials live only in the Authorization header
// and in `scrub`'s list: every message ct3d makes about a request goes through scrub, and URLs in messages
// are the base URL without its user info (the study and series UIDs in request paths are never printed).

/** A DICOMweb server and how to sign in to it. */
export interface DicomwebServer {
  /** Base URL without user info or trailing slash, e.g. http://pacs:8042/dicom-web. */
  base: string;
  /** What messages call the server: the base URL (it holds no credentials). */
  display: string;
  /** The Authorization header value, when the server needs one. */
  authorization?: string;
  /** Replaces every credential (password, token, encoded pair) in a text with ***. */
  scrub(text: string): string;
}

/** The environment variables dicomwebServer reads credentials from. */
export type DicomwebEnv = Partial<
  Record<'CT3D_DICOMWEB_USER' | 'CT3D_DICOMWEB_PASSWORD' | 'CT3D_DICOMWEB_TOKEN', string>
>;

/**
 * The server at `baseUrl`, with basic credentials from the URL's user info or from CT3D_DICOMWEB_USER /
 * CT3D_DICOMWEB_PASSWORD, or a bearer token from CT3D_DICOMWEB_TOKEN. Throws a one-line error (holding no
 * credential) for a malformed URL or an incomplete or ambiguous set of credentials.
 */
export function dicomwebServer(baseUrl: string, env: DicomwebEnv = process.env): DicomwebServer {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('--dicomweb: not a URL (expected e.g. http://pacs:8042/dicom-web)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`--dicomweb: unsupported protocol ${url.protocol} (expected http: or https:)`);
  }
  let user = decodeURIComponent(url.username);
  let password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  const token = env.CT3D_DICOMWEB_TOKEN ?? '';
  if (!user) {
    user = env.CT3D_DICOMWEB_USER ?? '';
    password = env.CT3D_DICOMWEB_PASSWORD ?? '';
  }
  if (token && user) {
    throw new Error(
      `${base}: both a user (CT3D_DICOMWEB_USER or the URL) and CT3D_DICOMWEB_TOKEN are set; give one`,
    );
  }
  if (!user && password) throw new Error(`${base}: CT3D_DICOMWEB_PASSWORD is set without CT3D_DICOMWEB_USER`);
  const pair = user ? Buffer.from(`${user}:${password}`).toString('base64') : '';
  const authorization = token ? `Bearer ${token}` : user ? `Basic ${pair}` : undefined;
  // Longest first, so a password that contains the token (or the reverse) is masked whole.
  const secrets = [password, token, pair, encodeURIComponent(password), encodeURIComponent(token)]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  return {
    base,
    display: base,
    authorization,
    scrub: (text) => secrets.reduce((t, s) => t.split(s).join('***'), text),
  };
}
