import { HttpStatus } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import { refuseUnwantedBody } from './request-body';

const refusal = (headers: Record<string, string>, accepted: ('json' | 'multipart')[] = ['json']) => {
  try {
    refuseUnwantedBody(headers, accepted);
    return null;
  } catch (error) {
    return error as ApiError;
  }
};

describe('refuseUnwantedBody', () => {
  it('lets JSON through, and multipart only where the route takes it', () => {
    expect(refusal({ 'content-type': 'application/json; charset=utf-8', 'content-length': '2' })).toBeNull();
    expect(refusal({ 'content-type': 'application/merge-patch+json', 'content-length': '2' })).toBeNull();
    expect(refusal({ 'content-type': 'multipart/form-data; boundary=x', 'content-length': '9' }, ['json', 'multipart'])).toBeNull();
    expect(refusal({ 'content-type': 'multipart/form-data; boundary=x', 'content-length': '9' })?.message).toBe(
      'Content-Type "multipart/form-data" is not accepted here: send application/json',
    );
  });

  it('refuses any compressed body with 415 before reading it', () => {
    const error = refusal({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': '9000' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.getStatus()).toBe(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    expect(error?.type).toBe('unsupported-media-type');
    expect(refusal({ 'content-type': 'application/json', 'content-encoding': 'deflate', 'transfer-encoding': 'chunked' })?.type).toBe('unsupported-media-type');
    expect(refusal({ 'content-type': 'application/json', 'content-encoding': 'identity', 'content-length': '2' })).toBeNull();
  });

  it('refuses what a cross-site form can send: urlencoded and text/plain', () => {
    expect(refusal({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '6' })?.getStatus()).toBe(415);
    expect(refusal({ 'content-type': 'text/plain', 'content-length': '6' })?.getStatus()).toBe(415);
    expect(refusal({ 'content-length': '6' })?.message).toMatch(/Content-Type "\(none\)"/);
  });

  it('has nothing to refuse without a body', () => {
    expect(refusal({ 'content-type': 'text/plain' })).toBeNull();
    expect(refusal({ 'content-encoding': 'gzip', 'content-length': '0' })).toBeNull();
  });
});
