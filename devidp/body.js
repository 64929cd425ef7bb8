// A request body as text, refused past 10,000 characters (the provider's forms and
// the APIs' JSON are a few hundred).
export async function readText(req, what) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error(`${what} too large`);
  }
  return body;
}
