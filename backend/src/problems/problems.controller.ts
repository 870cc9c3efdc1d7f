import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { ProblemType } from '@allocine/contracts';

import { notFound } from '../common/api-errors';
import { PROBLEM_BASE, PROBLEM_CATALOGUE, PROBLEM_TYPES } from '../common/problem-types';
import { ref } from '../openapi/schema-ref';

/** What each problem `type` means: the URI in an error's `type` answers here (no key needed). */
@ApiTags('problems')
@SkipThrottle()
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({ summary: 'Every problem type the API answers with, its status and what to do' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('ProblemTypeDoc') } })
  list() {
    return PROBLEM_TYPES.map((name) => describe(name));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One problem type (the `type` URI of an error)' })
  @ApiParam({ name: 'name', description: 'A problem type, the last segment of an error\'s `type`', schema: { type: 'string', enum: [...PROBLEM_TYPES] } })
  @ApiResponse({ status: 200, schema: ref('ProblemTypeDoc') })
  @ApiResponse({ status: 404, description: 'No such problem type' })
  one(@Param('name') name: string) {
    if (!(PROBLEM_TYPES as readonly string[]).includes(name)) throw notFound(`No problem type "${name}"`);
    return describe(name as ProblemType);
  }
}

function describe(name: ProblemType) {
  return { type: `${PROBLEM_BASE}${name}`, name, ...PROBLEM_CATALOGUE[name] };
}
