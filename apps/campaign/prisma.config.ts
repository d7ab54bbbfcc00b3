// Prisma CLI settings for this service's schema (see scripts/prisma-service-config.ts).
import { servicePrismaConfig } from '../../scripts/prisma-service-config';

export default servicePrismaConfig('campaign');
