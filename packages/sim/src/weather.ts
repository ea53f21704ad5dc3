/**
 * Outdoor temperature over a day, in floats (physics only): the daily minimum at sunrise and the
 * maximum at 15:00 apparent solar time, joined by half-cosines (rising from sunrise to the
 * maximum, falling from the maximum to the next sunrise). This is the common two-branch diurnal
 * shape; Cesaraccio et al. (2001, Int. J. Biometeorol. 45:161) use the same anchor points with a
 * square-root night branch, which needs the next day's minimum that a one-day scenario lacks.
 */

/** The hour (apparent solar time) of the daily maximum temperature. */
export const PEAK_SOLAR_HOUR = 15;

/**
 * Temperature in °C at apparent solar hour `h` (any real: taken modulo 24) for a day with minimum
 * `min` at solar hour `sunrise` and maximum `max` at PEAK_SOLAR_HOUR.
 */
export function diurnalTemperature(h: number, sunrise: number, min: number, max: number): number {
  const hour = ((h % 24) + 24) % 24;
  const rise = Math.min(sunrise, PEAK_SOLAR_HOUR - 1); // polar day: still a rising branch
  if (hour >= rise && hour <= PEAK_SOLAR_HOUR) {
    const x = (hour - rise) / (PEAK_SOLAR_HOUR - rise);
    return min + ((max - min) * (1 - Math.cos(Math.PI * x))) / 2;
  }
  const since = hour > PEAK_SOLAR_HOUR ? hour - PEAK_SOLAR_HOUR : hour + 24 - PEAK_SOLAR_HOUR;
  const x = since / (rise + 24 - PEAK_SOLAR_HOUR);
  return max - ((max - min) * (1 - Math.cos(Math.PI * x))) / 2;
}
