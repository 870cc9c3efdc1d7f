import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { paths } from '@allocine/contracts';
import { Observable } from 'rxjs';

/**
 * The API as its OpenAPI document describes it: paths, parameters, bodies and answers are the types
 * generated from it (`npm run api:generate`), so a route or field the API does not have does not compile.
 */
type Method = 'get' | 'post' | 'delete';
type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON body of the success answer (200 or 202; a 204 has none). */
export type Answer<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 202>]> : never;
type PathParameters<O> = O extends { parameters: { path: infer A } } ? A : never;
type QueryParameters<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Path parameters when the path has some, query parameters when it takes some. */
export type RequestOptions<O> = ([PathParameters<O>] extends [never] ? { path?: undefined } : { path: PathParameters<O> }) & {
  query?: QueryParameters<O>;
};
/** The options argument: required when the path has parameters. */
type Options<O> = [PathParameters<O>] extends [never] ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);

  get<P extends PathsWith<'get'>>(path: P, ...[options]: Options<Operation<P, 'get'>>): Observable<Answer<Operation<P, 'get'>>> {
    return this.http.get<Answer<Operation<P, 'get'>>>(fill(path, options?.path), { params: queryParams(options?.query) });
  }

  /** A JSON body as the schema says, or a multipart form (FormData) where the route accepts one. */
  post<P extends PathsWith<'post'>>(
    path: P,
    body: JsonBody<Operation<P, 'post'>> | FormData,
    ...[options]: Options<Operation<P, 'post'>>
  ): Observable<Answer<Operation<P, 'post'>>> {
    return this.http.post<Answer<Operation<P, 'post'>>>(fill(path, options?.path), body, { params: queryParams(options?.query) });
  }

  delete<P extends PathsWith<'delete'>>(path: P, ...[options]: Options<Operation<P, 'delete'>>): Observable<Answer<Operation<P, 'delete'>>> {
    return this.http.delete<Answer<Operation<P, 'delete'>>>(fill(path, options?.path));
  }

  /** The URL of a route with its path parameters filled in and its query, for links and downloads. */
  url<P extends keyof paths>(path: P, options?: { path?: unknown; query?: object }): string {
    const query = queryParams(options?.query).toString();
    return query ? `${fill(path, options?.path)}?${query}` : fill(path, options?.path);
  }
}

function fill(path: string, parameters: unknown): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String((parameters as Record<string, unknown> | undefined)?.[name] ?? '')));
}

function queryParams(query: object | undefined): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null && value !== '') params = params.set(key, String(value));
  return params;
}
