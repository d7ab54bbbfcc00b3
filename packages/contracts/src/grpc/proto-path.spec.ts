import { existsSync, readFileSync } from 'node:fs';
import { GRPC_DOMAINS, GRPC_PACKAGES, protoPath, protoRootDir } from './proto-path';

describe('proto files at run time', () => {
  it.each(GRPC_DOMAINS)('finds the %s service proto, which declares its package', (domain) => {
    const file = protoPath(domain);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(`package ${GRPC_PACKAGES[domain]};`);
  });

  it('finds the shared protos the services import', () => {
    expect(existsSync(`${protoRootDir()}/callcenter/common/v1/common.proto`)).toBe(true);
  });
});
