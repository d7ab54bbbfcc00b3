import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * argon2id for passwords and API keys, with OWASP's minimum parameters (19 MiB, 2 passes): strong
 * enough against offline guessing, cheap enough (~20 ms) to run on a login or a key's first use.
 */
@Injectable()
export class PasswordHasher {
  private readonly options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

  hash(secret: string): Promise<string> {
    return argon2.hash(secret, this.options);
  }

  async verify(hash: string, secret: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, secret);
    } catch {
      return false;
    }
  }
}
