import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { TenantApi } from '@cc/platform';
import { type DidRecord, EntryPointsRepository } from '../entry-points/entry-points.repository';
import { DidSchema, PutDidSchema } from './admin.schemas';
import type { z } from 'zod';

/** The tenant's dialed numbers (x-tenant-id until the gateway fronts it). */
@Controller('v1/dids')
@TenantApi()
export class DidsController {
  constructor(private readonly repository: EntryPointsRepository) {}

  @Get()
  async list(): Promise<{ items: DidRecord[] }> {
    return { items: await this.repository.listDids() };
  }

  @Get(':did')
  get(@Param('did', new ZodValidationPipe(DidSchema, 'did')) did: string): Promise<DidRecord> {
    return this.repository.getDid(did);
  }

  /** Claims a DID for the tenant or points it at another flow: 201 when claimed, 200 when changed. */
  @Put(':did')
  async put(
    @Param('did', new ZodValidationPipe(DidSchema, 'did')) did: string,
    @Body(new ZodValidationPipe(PutDidSchema, 'body')) body: z.infer<typeof PutDidSchema>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DidRecord> {
    const { record, created } = await this.repository.putDid(did, body);
    response.status(created ? 201 : 200);
    return record;
  }

  @Delete(':did')
  @HttpCode(204)
  async remove(@Param('did', new ZodValidationPipe(DidSchema, 'did')) did: string): Promise<void> {
    await this.repository.deleteDid(did);
  }
}
