import type { ServerBuild } from '@remix-run/node';

type RouteModule = Record<string, unknown>;

/**
 * A Remix server build made of real route modules, for driving the launcher's Express app in vitest without
 * `remix build`. Requests use `?_data=<route id>` (what the browser sends for a form), so no page is rendered.
 */
export function stubBuild(routes: Record<string, { path: string; module: RouteModule }>): ServerBuild {
  const built: ServerBuild['routes'] = {
    root: { id: 'root', path: '', module: { default: () => null } as never },
  };
  for (const [id, route] of Object.entries(routes)) {
    built[id] = { id, parentId: 'root', path: route.path, module: route.module as never };
  }
  return {
    mode: 'production',
    entry: { module: { default: () => new Response('document', { status: 200 }) } as never },
    routes: built,
    assets: { entry: { imports: [], module: '' }, routes: {}, url: '', version: 'test' } as never,
    assetsBuildDirectory: 'public/build',
    publicPath: '/build/',
    future: {} as never,
    isSpaMode: false,
    basename: undefined,
  } as ServerBuild;
}
