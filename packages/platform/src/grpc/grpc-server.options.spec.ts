import { loadSync } from '@grpc/proto-loader';
import { AcdV1, CrmV1, protoPath, protoRootDir, TelephonyV1 } from '@cc/contracts';
import { grpcServerOptions, grpcService } from './grpc-server.options';

type LoadedMethod = { requestDeserialize: unknown; responseSerialize: unknown };

function loadAcd(): Record<string, Record<string, LoadedMethod>> {
  return loadSync(protoPath('acd'), { includeDirs: [protoRootDir()] }) as unknown as Record<
    string,
    Record<string, LoadedMethod>
  >;
}

describe('grpcServerOptions', () => {
  it('serves the domain package from the shipped protos on the given port', () => {
    const { options } = grpcServerOptions({
      services: [grpcService('acd', AcdV1.AcdServiceService)],
      port: 50052,
    });
    expect(options.url).toBe('0.0.0.0:50052');
    expect(options.package).toEqual(['callcenter.acd.v1']);
    expect(options.protoPath).toEqual([protoPath('acd')]);
    expect(options.loader?.includeDirs).toEqual([protoRootDir()]);
  });

  it('installs the generated codec on every method of the loaded definition', () => {
    const { options } = grpcServerOptions({
      services: [grpcService('acd', AcdV1.AcdServiceService)],
      port: 0,
    });
    const definition = loadAcd();
    options.onLoadPackageDefinition!(definition, undefined);
    const enqueue = definition['callcenter.acd.v1.AcdService']!['EnqueueCall']!;
    expect(enqueue.requestDeserialize).toBe(AcdV1.AcdServiceService.enqueueCall.requestDeserialize);
    expect(enqueue.responseSerialize).toBe(AcdV1.AcdServiceService.enqueueCall.responseSerialize);
  });

  it('serves several domains from one server, every generated definition matching its proto', () => {
    const services = [
      grpcService('acd', AcdV1.AcdServiceService),
      grpcService('crm', CrmV1.CrmServiceService),
      grpcService('telephony', TelephonyV1.TelephonyServiceService),
    ];
    const { options } = grpcServerOptions({ services, port: 0 });
    expect(options.package).toEqual(['callcenter.acd.v1', 'callcenter.crm.v1', 'callcenter.telephony.v1']);
    const definition = loadSync(options.protoPath as string[], { includeDirs: [protoRootDir()] });
    expect(() => options.onLoadPackageDefinition!(definition, undefined)).not.toThrow();
    const screenPop = (definition['callcenter.crm.v1.CrmService'] as Record<string, LoadedMethod>)[
      'ScreenPop'
    ]!;
    expect(screenPop.requestDeserialize).toBe(CrmV1.CrmServiceService.screenPop.requestDeserialize);
  });

  it('fails at start-up when generated code and proto files disagree', () => {
    const stale = {
      ...AcdV1.AcdServiceService,
      removedLongAgo: {
        ...AcdV1.AcdServiceService.cancelCall,
        path: '/callcenter.acd.v1.AcdService/RemovedLongAgo',
      },
    };
    const { options } = grpcServerOptions({ services: [grpcService('acd', stale)], port: 0 });
    expect(() => options.onLoadPackageDefinition!(loadAcd(), undefined)).toThrow(/regenerate the contracts/);
  });

  it('refuses a bad port or no service', () => {
    expect(() =>
      grpcServerOptions({ services: [grpcService('acd', AcdV1.AcdServiceService)], port: 70_000 }),
    ).toThrow(/port/);
    expect(() => grpcServerOptions({ services: [], port: 1 })).toThrow(/no services/);
  });
});
