/**
 * Makes JSON text safe as the content of a `<script>` element: every `<` (which JSON only has inside strings)
 * becomes `\u003c`, so data holding `</script>` or `<!--` can neither end the element nor change how it is parsed.
 */
export function scriptSafeJson(json: string): string {
  return json.replace(/</g, '\\u003c');
}
