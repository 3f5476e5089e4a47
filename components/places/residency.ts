/**
 * Residencies as data: each names the countries whose people's data must stay in a shard of that
 * residency. A city in one of a residency's countries belongs in a shard declaring that
 * residency; config and the policy pack both read this table. A new residency is a new entry
 * here (then config accepts `residency: <key>` on a shard); no rule changes.
 */

export const residencyCountries = {
    /**
     * The GDPR applies in the 27 EU member states and, through the EEA Agreement, in Iceland,
     * Liechtenstein and Norway. ISO 3166-1 alpha-2 codes (GeoNames uses GR for Greece, not EL).
     * Sources: https://european-union.europa.eu/principles-countries-history/eu-countries_en and
     * https://www.efta.int/eea/eea-agreement
     */
    eu: [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        // EEA, outside the EU
        "IS",
        "LI",
        "NO",
    ],
} as const satisfies Record<string, readonly string[]>;

/** A residency: a key of `residencyCountries`. */
export type Residency = keyof typeof residencyCountries;

/** Every residency, in table order. */
export const residencies = Object.keys(residencyCountries) as Residency[];

/** The residencies whose country set holds `country`: the shard of a city there must have one. */
export function residenciesOf(country: string): Residency[] {
    return residencies.filter((r) =>
        (residencyCountries[r] as readonly string[]).includes(country),
    );
}
