import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { toGrpcStatusError } from './grpc-error.mapper';

/**
 * Turns whatever a gRPC handler throws into a gRPC status (see toGrpcStatusError). Internal errors
 * are logged here with their cause, and reach the caller only as "internal error".
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const { status, internal } = toGrpcStatusError(exception);
    if (internal) {
      const call = host.getArgByIndex<{ getPath?: () => string } | undefined>(2);
      this.logger.error(
        `gRPC ${call?.getPath?.() ?? 'call'} failed: ${exception instanceof Error ? exception.message : String(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    return throwError(() => status);
  }
}
