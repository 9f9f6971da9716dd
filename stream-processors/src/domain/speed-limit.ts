/**
 * Applicable speed limit (DESIGN.md): the lowest limit among the containing geofences that have
 * one; else the vehicle's own limit; else the global default. A zone limit wins even when it is
 * higher than the vehicle's own (a motorway zone may allow more than a town-car default).
 */
export function applicableSpeedLimit(
  containing: readonly { readonly speedLimitKph: number | null }[],
  vehicleLimitKph: number | undefined,
  defaultLimitKph: number,
): number {
  let lowestZoneLimit = Number.POSITIVE_INFINITY;
  for (const fence of containing) {
    if (fence.speedLimitKph !== null && fence.speedLimitKph < lowestZoneLimit) lowestZoneLimit = fence.speedLimitKph;
  }
  if (lowestZoneLimit !== Number.POSITIVE_INFINITY) return lowestZoneLimit;
  return vehicleLimitKph ?? defaultLimitKph;
}
