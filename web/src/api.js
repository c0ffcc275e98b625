// Talking to `evident serve` (docs/methods/server.md, the reviews API). Every failure becomes an ApiError that
// carries the server's diagnostics (or one made here when the answer is not JSON or the server is unreachable),
// so that the screens can always show the diagnostics' "text" lines.

export class ApiError extends Error {
  constructor(status, diagnostics, body) {
    super(diagnostics.map((d) => d.text || d.message).join('\n'));
    this.status = status;
    this.diagnostics = diagnostics;
    this.body = body;
  }
}

function localDiagnostic(text) {
  return { code: 'web', severity: 'error', file: '', line: 0, column: 0, study: '', field: '', message: text, hint: '', text };
}

export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, [localDiagnostic(`${method} ${path}: cannot reach the evident server (${e.message})`)]);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const diags =
      data && Array.isArray(data.diagnostics) && data.diagnostics.length
        ? data.diagnostics
        : [localDiagnostic(`${method} ${path}: HTTP ${res.status} ${res.statusText}${text ? ': ' + text.slice(0, 300) : ''}`)];
    throw new ApiError(res.status, diags, data);
  }
  if (data === null || typeof data !== 'object') {
    throw new ApiError(res.status, [localDiagnostic(`${method} ${path}: the answer is not JSON`)]);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body ?? {});

export const reviewPath = (name) => `/api/reviews/${encodeURIComponent(name)}`;

export function errorDiagnostics(e) {
  if (e instanceof ApiError) return e.diagnostics;
  return [localDiagnostic(String((e && e.message) || e))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
