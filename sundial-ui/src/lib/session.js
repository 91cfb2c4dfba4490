// Signing in to Sundial's UI: who is signed in (GET /api/v1/me), sign-in and sign-out (POST
// /auth/login, /auth/logout). The session itself is an HttpOnly cookie the browser sends along.

/** The double-submit CSRF token the server checks on every POST (the _csrf cookie). */
export function csrfToken() {
  const entry = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('_csrf='));
  return entry ? decodeURIComponent(entry.slice('_csrf='.length)) : '';
}

/** { authEnabled, signedIn, name, authType, roles, canWrite } */
export async function fetchMe(fetch) {
  const response = await fetch('/api/v1/me', { credentials: 'include' });
  if (!response.ok) throw new Error(`who am I: HTTP ${response.status}`);
  return response.json();
}

async function post(path, body) {
  return fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrfToken() },
    body: JSON.stringify(body ?? {}),
  });
}

/** Signs in; resolves to null on success, else the server's message. */
export async function signIn(credentials) {
  const response = await post('/auth/login', credentials);
  if (response.ok) return null;
  try {
    return (await response.json()).message || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export async function signOut() {
  await post('/auth/logout');
}

/** A same-origin place to go back to after signing in, else the start page. */
export function safeReturnUrl(value) {
  if (!value) return '/';
  try {
    const url = new URL(value, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/login')) return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}
