/**
 * The viewer's part of a cached public page: which of its items the signed-in viewer has
 * flagged (runs applied to, courses bookmarked). A cache miss reads the page with the viewer's
 * flags, as an uncached read does, so the flags come from those rows; a hit reads them alone,
 * in one statement. Null for a guest or an empty page.
 */
export async function viewerFlags<R>(
  viewerId: string | null,
  ids: string[],
  loaded: R[] | null,
  flagged: (row: R) => string | null,
  read: (ids: string[], viewerId: string) => Promise<Set<string>>,
): Promise<Set<string> | null> {
  if (viewerId === null || ids.length === 0) return null;
  if (!loaded) return read([...new Set(ids)], viewerId);
  const flags = new Set<string>();
  for (const row of loaded) {
    const id = flagged(row);
    if (id !== null) flags.add(id);
  }
  return flags;
}
