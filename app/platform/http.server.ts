/** Thrown from loaders and actions; the shared error boundary renders a friendly page. */
export function notFound(message = 'Not found') {
  return new Response(message, { status: 404, statusText: 'Not Found' });
}

/** Route ids are positive integers; anything else is a 404, not a 500. */
export function requireIdParam(value: string | undefined): number {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) throw notFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}
