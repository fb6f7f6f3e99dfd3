-- Data quality: unknown_recipient_country (bit 12 of quality_flags, 4096) fails when the grant's recipient country is
-- given but names no country the audit knows, so its grants stand as a country of their own text, in no region
-- ("United Kingdon", "COMMONWEALTH"). The audit's place reports (and the region and country filters) find a grant's
-- country by country_key = upper(recipient_country). 0032 added every name and alias of FundAudit's country table
-- (src/FundAudit.Core/Geography/countries.csv) in Unicode upper case and as an ASCII-only upper() writes it, where the
-- two differ; PostgreSQL under LC_CTYPE=C's upper() can also leave a letter outside a-z in lower case where the name
-- has it in upper case ("égypte" is "éGYPTE"), or the reverse, so these add each name in upper case with each such
-- letter in either case, where not a key already. Then the bit is set on every stored grant whose recipient country
-- holds a letter or digit a-z, A-Z, 0-9 (so that it is given, not only white space) and is no key, as the engine's own
-- upper() finds it; a grant whose recipient country is no key and holds none of them ("中国", a tab) has its flags
-- cleared to NULL instead: the report then tests it one by one with the check as it is (QualityFlags, CountryKeys),
-- and its next write stores its flags. The quality totals triggers of 0019 move the grants between groups. Written by
-- tools/geo/country_keys.py; nothing else changes.
INSERT INTO country_regions (country_key, alpha2, region) VALUES
    ('åLAND ISLANDS', 'AX', 'Europe'),
    ('ISLAS åLAND', 'AX', 'Europe'),
    ('îLES ÅLAND', 'AX', 'Europe'),
    ('ÎLES åLAND', 'AX', 'Europe'),
    ('îLES åLAND', 'AX', 'Europe'),
    ('áUSTRIA', 'AT', 'Europe'),
    ('îLE BOUVET', 'BV', 'Latin America and the Caribbean'),
    ('îLES CAÏMANS', 'KY', 'Latin America and the Caribbean'),
    ('îLES CAïMANS', 'KY', 'Latin America and the Caribbean'),
    ('REPúBLICA DEMOCRÁTICA DEL CONGO', 'CD', 'Africa'),
    ('REPÚBLICA DEMOCRáTICA DEL CONGO', 'CD', 'Africa'),
    ('RéPUBLIQUE DÉMOCRATIQUE DU CONGO', 'CD', 'Africa'),
    ('RÉPUBLIQUE DéMOCRATIQUE DU CONGO', 'CD', 'Africa'),
    ('REPúBLICA DEMOCRÁTICA DO CONGO', 'CD', 'Africa'),
    ('REPÚBLICA DEMOCRáTICA DO CONGO', 'CD', 'Africa'),
    ('îLES COOK', 'CK', 'Oceania'),
    ('RéPUBLIQUE TCHÈQUE', 'CZ', 'Europe'),
    ('RÉPUBLIQUE TCHèQUE', 'CZ', 'Europe'),
    ('éQUATEUR', 'EC', 'Latin America and the Caribbean'),
    ('éGYPTE', 'EG', 'Africa'),
    ('GUINéE ÉQUATORIALE', 'GQ', 'Africa'),
    ('GUINÉE éQUATORIALE', 'GQ', 'Africa'),
    ('éRYTHRÉE', 'ER', 'Africa'),
    ('éRYTHRéE', 'ER', 'Africa'),
    ('éTHIOPIE', 'ET', 'Africa'),
    ('îLES MALOUINES', 'FK', 'Latin America and the Caribbean'),
    ('îLES FÉROÉ', 'FO', 'Europe'),
    ('ÎLES FéROÉ', 'FO', 'Europe'),
    ('îLES FéROÉ', 'FO', 'Europe'),
    ('ÎLES FÉROé', 'FO', 'Europe'),
    ('îLES FÉROé', 'FO', 'Europe'),
    ('îLES FéROé', 'FO', 'Europe'),
    ('POLYNéSIE FRANÇAISE', 'PF', 'Oceania'),
    ('POLYNÉSIE FRANçAISE', 'PF', 'Oceania'),
    ('íNDIA', 'IN', 'Asia'),
    ('îLE DE MAN', 'IM', 'Europe'),
    ('îLES MARSHALL', 'MH', 'Oceania'),
    ('MONTéNÉGRO', 'ME', 'Europe'),
    ('MONTÉNéGRO', 'ME', 'Europe'),
    ('SAINT-CHRISTOPHE-ET-NIéVÈS', 'KN', 'Latin America and the Caribbean'),
    ('SAINT-CHRISTOPHE-ET-NIÉVèS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTÓVÃO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTóVÃO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTóVÃO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTÓVãO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTÓVãO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTóVãO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTóVãO E NÉVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTÓVÃO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTÓVÃO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTóVÃO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTóVÃO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTÓVãO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO CRISTÓVãO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SÃO CRISTóVãO E NéVIS', 'KN', 'Latin America and the Caribbean'),
    ('SãO TOMÉ AND PRÍNCIPE', 'ST', 'Africa'),
    ('SÃO TOMé AND PRÍNCIPE', 'ST', 'Africa'),
    ('SãO TOMé AND PRÍNCIPE', 'ST', 'Africa'),
    ('SÃO TOMÉ AND PRíNCIPE', 'ST', 'Africa'),
    ('SãO TOMÉ AND PRíNCIPE', 'ST', 'Africa'),
    ('SÃO TOMé AND PRíNCIPE', 'ST', 'Africa'),
    ('SANTO TOMé Y PRÍNCIPE', 'ST', 'Africa'),
    ('SANTO TOMÉ Y PRíNCIPE', 'ST', 'Africa'),
    ('SãO TOMÉ E PRÍNCIPE', 'ST', 'Africa'),
    ('SÃO TOMé E PRÍNCIPE', 'ST', 'Africa'),
    ('SãO TOMé E PRÍNCIPE', 'ST', 'Africa'),
    ('SÃO TOMÉ E PRíNCIPE', 'ST', 'Africa'),
    ('SãO TOMÉ E PRíNCIPE', 'ST', 'Africa'),
    ('SÃO TOMé E PRíNCIPE', 'ST', 'Africa'),
    ('SéNÉGAL', 'SN', 'Africa'),
    ('SÉNéGAL', 'SN', 'Africa'),
    ('îLES SALOMON', 'SB', 'Oceania'),
    ('áFRICA DO SUL', 'ZA', 'Africa'),
    ('SUíÇA', 'CH', 'Europe'),
    ('SUÍçA', 'CH', 'Europe'),
    ('EMIRATOS áRABES UNIDOS', 'AE', 'Asia'),
    ('éMIRATS ARABES UNIS', 'AE', 'Asia'),
    ('EMIRADOS áRABES UNIDOS', 'AE', 'Asia'),
    ('éTATS-UNIS', 'US', 'Northern America'),
    ('ISLAS VíRGENES BRITÁNICAS', 'VG', 'Latin America and the Caribbean'),
    ('ISLAS VÍRGENES BRITáNICAS', 'VG', 'Latin America and the Caribbean');

UPDATE grants SET quality_flags = quality_flags | 4096
WHERE quality_flags IS NOT NULL AND (quality_flags & 4096) = 0 AND recipient_country IS NOT NULL
  AND recipient_country ~ '[A-Za-z0-9]'
  AND NOT EXISTS (SELECT 1 FROM country_regions r WHERE r.country_key = upper(grants.recipient_country));

UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL AND recipient_country IS NOT NULL
  AND NOT (recipient_country ~ '[A-Za-z0-9]')
  AND NOT EXISTS (SELECT 1 FROM country_regions r WHERE r.country_key = upper(grants.recipient_country));
