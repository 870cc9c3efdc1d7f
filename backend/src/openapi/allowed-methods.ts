import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

import { ApiError } from '../common/api-errors';
import { sendError } from '../common/http-exception.filter';

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One documented path as a matcher: `/api/v1/jobs/{id}` matches `/api/v1/jobs/<anything but a slash>`. */
interface PathMethods {
  pattern: RegExp;
  methods: string[];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which methods each documented path accepts, from the OpenAPI document itself, so `Allow` can never disagree
 * with it. HEAD comes with GET (Express answers it) and OPTIONS with every path (answered here).
 */
export function documentedMethods(document: OpenAPIObject): (path: string) => string[] | null {
  const table: PathMethods[] = Object.entries(document.paths).map(([path, item]) => {
    const declared = OPERATION_METHODS.filter((method) => method in item).map((method) => method.toUpperCase());
    const implicit = declared.includes('GET') ? ['HEAD', 'OPTIONS'] : ['OPTIONS'];
    // Express matches paths case-insensitively and with or without a trailing slash: so does this.
    const source = path.split(/\{[^}]+\}/).map(escape).join('[^/]+');
    return { pattern: new RegExp(`^${source}/?$`, 'i'), methods: [...declared, ...implicit] };
  });
  return (path) => table.find(({ pattern }) => pattern.test(path))?.methods ?? null;
}

/**
 * RFC 9110: a method the resource does not support is 405 with `Allow`, not 404 (which says the resource is
 * missing); OPTIONS answers `Allow` too. Paths the document lacks fall through to the router (404). This runs
 * before the key check, like the router's own 404: it reads no body and reveals only what the document says.
 */
export function allowedMethods(document: OpenAPIObject) {
  const methodsFor = documentedMethods(document);
  return (request: Request, response: Response, next: NextFunction): void => {
    const methods = methodsFor(request.path);
    if (!methods || (methods.includes(request.method) && request.method !== 'OPTIONS')) {
      next();
      return;
    }
    response.setHeader('Allow', methods.join(', '));
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    sendError(request, response, new ApiError('method-not-allowed', `${request.method} is not allowed on ${request.path}; allowed: ${methods.join(', ')}`));
  };
}
