/**
 * Distances on the Earth and the physical floor of a round trip. Pure arithmetic: no Pulumi, no
 * AWS, nothing else of the project.
 */

/** A point in decimal degrees (WGS 84), north and east positive. */
export interface Coordinates {
    readonly lat: number;
    readonly lon: number;
}

/** The IUGG mean Earth radius, in km. */
const earthRadiusKm = 6371.0088;

/**
 * Light in optical fibre travels at about two thirds of its speed in vacuum (a refractive index
 * near 1.47): about 200,000 km/s. A real path follows cables, not the great circle, and adds
 * switching and queueing, so the floor is a bound no network can beat, not an estimate.
 */
export const fibreKmPerSecond = 200_000;

/** The great-circle (haversine) distance between two points, in km. */
export function greatCircleKm(a: Coordinates, b: Coordinates): number {
    const rad = (degrees: number) => (degrees * Math.PI) / 180;
    const dLat = rad(b.lat - a.lat);
    const dLon = rad(b.lon - a.lon);
    const h =
        Math.sin(dLat / 2) ** 2 +
        Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
    return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The round trip's floor over `km` of fibre, in ms: there and back at `fibreKmPerSecond`. */
export function roundTripFloorMs(km: number): number {
    return ((2 * km) / fibreKmPerSecond) * 1000;
}

/** Whether a value is a latitude (-90..90) and the other a longitude (-180..180). */
export function isCoordinates(lat: unknown, lon: unknown): boolean {
    return (
        typeof lat === "number" &&
        typeof lon === "number" &&
        Number.isFinite(lat) &&
        Number.isFinite(lon) &&
        Math.abs(lat) <= 90 &&
        Math.abs(lon) <= 180
    );
}
