import { resetClients } from "./clients.ts";
import { readLabInfo } from "./labInfo.ts";
import { withLabLock } from "./lock.ts";
import { iscService, keaService, startServices, stopService } from "./services.ts";

/**
 * Puts both pairs back as `up` made them, between integration test files: pristine configs, no leases,
 * daemons restarted and answering. sshd and the Windows emulator's state are left alone.
 */
export async function resetLab(): Promise<void> {
  const info = readLabInfo();
  await withLabLock("reset", async () => {
    const services = [...info.isc.servers.map(iscService), ...info.kea.servers.map(keaService)];
    await Promise.all(services.map(stopService));
    for (const service of services) service.restorePristine?.();
    await resetClients(info);
    await startServices(services);
  });
}
