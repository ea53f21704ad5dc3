/**
 * Clear-sky sun and irradiance, in floats (physics, not money): the sun's position from the
 * declination of Cooper (1969) and the equation of time of Spencer (1971), both as given in
 * Duffie & Beckman, "Solar Engineering of Thermal Processes" (ch. 1), and the global horizontal
 * irradiance of the clear-sky model of Haurwitz (1945), GHI = 1098 · cos z · exp(−0.057 / cos z)
 * W/m², which Reno, Hansen & Stein (Sandia SAND2012-2389) rank among the best of the simple
 * models that need only the zenith angle. Values leave this module as floats; profiles.ts rounds
 * them to whole watts before anything enters market or money code.
 */

const DEG = Math.PI / 180;

/** Where the microgrid is: degrees north and east, and its clock's offset from UTC. */
export interface Site {
  /** degrees north of the equator (−90 … 90) */
  readonly latitude: number;
  /** degrees east of Greenwich (−180 … 180) */
  readonly longitude: number;
  /** the local clock's offset from UTC in minutes (−720 … 840), e.g. −360 for UTC−6 */
  readonly utcOffsetMinutes: number;
}

/** Solar declination in degrees on day `n` of the year (1 = 1 January), Cooper (1969). */
export function declination(n: number): number {
  return 23.45 * Math.sin((2 * Math.PI * (284 + n)) / 365);
}

/** Equation of time in minutes on day `n` of the year, Spencer (1971). */
export function equationOfTime(n: number): number {
  const b = (2 * Math.PI * (n - 1)) / 365;
  return (
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(b) -
      0.032077 * Math.sin(b) -
      0.014615 * Math.cos(2 * b) -
      0.040849 * Math.sin(2 * b))
  );
}

/** Day of the year (1 … 366) of a UTC calendar date given as epoch milliseconds. */
export function dayOfYear(utcMs: number): number {
  const d = new Date(utcMs);
  return Math.floor((utcMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Apparent solar time in hours (may leave 0 … 24) at an instant, for a site's longitude. */
export function solarHour(utcMs: number, site: Site, n: number): number {
  const utcHours = (((utcMs / 3_600_000) % 24) + 24) % 24;
  return utcHours + (4 * site.longitude + equationOfTime(n)) / 60;
}

/** Cosine of the solar zenith angle at an instant (negative when the sun is down). */
export function cosZenith(utcMs: number, site: Site): number {
  const n = dayOfYear(utcMs + site.utcOffsetMinutes * 60_000);
  const delta = declination(n) * DEG;
  const phi = site.latitude * DEG;
  const omega = 15 * (solarHour(utcMs, site, n) - 12) * DEG;
  return Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.cos(omega);
}

/** Clear-sky global horizontal irradiance in W/m², Haurwitz (1945); 0 with the sun down. */
export function haurwitzGhi(cosZ: number): number {
  return cosZ > 0 ? 1098 * cosZ * Math.exp(-0.057 / cosZ) : 0;
}

/**
 * Sunrise in apparent solar hours on day `n`: 12 − ω₀/15 with cos ω₀ = −tan φ tan δ (clamped, so
 * polar day gives 0 and polar night 12).
 */
export function sunriseSolarHour(latitude: number, n: number): number {
  const c = -Math.tan(latitude * DEG) * Math.tan(declination(n) * DEG);
  return 12 - Math.acos(Math.min(1, Math.max(-1, c))) / DEG / 15;
}
