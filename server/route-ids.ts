import type { ServerBuild } from '@remix-run/node';
import { type AgnosticRouteObject, matchRoutes } from '@remix-run/router';

/**
 * Names a request by the Remix route that answers it ("routes/charges.$id"), never by its raw URL, so metrics
 * keep a small, fixed set of labels. Uses the same matcher Remix does, over the build's own route table.
 */
export function routeIdMatcher(routes: ServerBuild['routes']) {
  const childrenOf = (parentId: string | undefined): AgnosticRouteObject[] =>
    Object.values(routes)
      .filter((route) => route.parentId === parentId)
      .map((route) =>
        route.index
          ? // Flat routes give an index route its parent's path (charges._index: "charges").
            { id: route.id, index: true, path: route.path, caseSensitive: route.caseSensitive }
          : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: childrenOf(route.id) },
      );
  const tree = childrenOf(undefined);
  return (pathname: string, dataRouteId?: string | null): string => {
    // A `?_data=` request names its route; trust it only when it is one of ours.
    if (dataRouteId && dataRouteId in routes) return dataRouteId;
    const matches = matchRoutes(tree, pathname);
    const leaf = matches?.[matches.length - 1]?.route.id;
    // root alone (no child matched) is Remix's 404.
    return leaf && leaf !== 'root' ? leaf : 'unmatched';
  };
}
