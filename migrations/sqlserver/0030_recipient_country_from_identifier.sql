-- Data quality: recipient_without_country (bit 2 of quality_flags) now also passes when the recipient's
-- identifier implies where it is based: a national register's prefix (GB-CHC-: the United Kingdom) or an
-- international list's (XM-DAC-), as OrganisationIds.TryBase reads the org-id.guide register
-- (src/FundAudit.Core/Geography/Data/org-id-prefixes.tsv, ODbL; the prefixes below are its country and international
-- lists as of this release, upper case). 360Giving publishers in the UK rarely write addressCountry, so before this
-- release every grant of theirs had the bit set. The bit is cleared for every stored grant whose identifier, case
-- aside, starts with one of them followed by a hyphen (the identifier's first three hyphen-separated parts, or its
-- first two: every listed prefix has two or three). An identifier that starts with anything but a letter or digit
-- (TryScheme trims white space first) has its flags cleared to NULL instead: the report then tests it one by one with
-- the check as it is now, and its next write stores its flags. The quality totals triggers of 0019 move the grants
-- between groups. Nothing else changes.
WITH bases(prefix) AS (
  SELECT prefix FROM (VALUES
    ('AD-COA'), ('AE-ACCI'), ('AE-ADCD'), ('AE-AFZ'), ('AE-COA'), ('AE-DCCI'), ('AE-DFSA'), ('AE-DIFC'),
    ('AE-DMCC'), ('AE-FCCI'), ('AE-FFZ'), ('AE-HFZA'), ('AE-RAKIA'), ('AE-RK_CR'), ('AE-SAIF'), ('AE-SCCI'),
    ('AE-UQCCI'), ('AF-CBR'), ('AF-COA'), ('AF-MOE'), ('AF-TIN'), ('AG-COA'), ('AG-CR'), ('AI-COA'),
    ('AL-COA'), ('AL-CR'), ('AL-QKB'), ('AM-COA'), ('AM-CR'), ('AM-SRALE'), ('AO-COA'), ('AO-CR'),
    ('AQ-COA'), ('AR-CENOC'), ('AR-COA'), ('AR-CR'), ('AR-CUIT'), ('AS-COA'), ('AT-COA'), ('AT-CR'),
    ('AT-FB'), ('AT-UID'), ('AT-ZVR'), ('AU-ABN'), ('AU-ACNC'), ('AU-ASIC'), ('AU-COA'), ('AU-CR'),
    ('AW-COA'), ('AW-CR'), ('AX-COA'), ('AZ-COA'), ('AZ-CR'), ('AZ-IVI'), ('BA-COA'), ('BA-CR'),
    ('BA-JIB'), ('BB-COA'), ('BB-CR'), ('BD-COA'), ('BD-CR'), ('BD-NAB'), ('BD-NBR'), ('BD-ROC'),
    ('BE-BCE_KBO'), ('BE-COA'), ('BE-CR'), ('BE-GTCF'), ('BF-COA'), ('BF-CR'), ('BF-MATD'), ('BG-COA'),
    ('BG-CR'), ('BG-EIK'), ('BH-COA'), ('BH-CR'), ('BI-COA'), ('BI-CR'), ('BI-NIF'), ('BJ-COA'),
    ('BJ-CR'), ('BJ-IFU'), ('BL-COA'), ('BM-COA'), ('BM-CR'), ('BN-COA'), ('BN-CR'), ('BO-CINS'),
    ('BO-COA'), ('BO-CR'), ('BO-NIT'), ('BQ-COA'), ('BR-CNPJ'), ('BR-COA'), ('BR-CR'), ('BS-COA'),
    ('BS-CR'), ('BT-COA'), ('BT-CR'), ('BV-COA'), ('BW-CIPA'), ('BW-COA'), ('BW-CR'), ('BW-TIN'),
    ('BY-ADR'), ('BY-COA'), ('BY-CR'), ('BZ-COA'), ('BZ-CR'), ('CA-CC'), ('CA-COA'), ('CA-CRA_ACR'),
    ('CA-GOV'), ('CA_AB-ABT'), ('CA_BC-BRC_CBR'), ('CA_MB-MTB'), ('CA_NB-NWB_NOB'), ('CA_NL-NFL_TNL'), ('CA_NS-NVS_NVE'), ('CA_NT-NWT_TNO'),
    ('CA_NU-NNV'), ('CA_ON-ONT'), ('CA_PE-PEI_IPE'), ('CA_QC-QBC'), ('CA_SK-SKN'), ('CA_YT-YKT'), ('CC-COA'), ('CD-COA'),
    ('CD-CR'), ('CD-MJDH'), ('CF-COA'), ('CF-CR'), ('CG-COA'), ('CG-CR'), ('CH-COA'), ('CH-CR'),
    ('CH-FDJP'), ('CH_BS-CR'), ('CI-COA'), ('CI-CR'), ('CI-MOI'), ('CK-COA'), ('CL-COA'), ('CL-CR'),
    ('CL-MP'), ('CL-RUT'), ('CM-COA'), ('CM-CR'), ('CM-NIU'), ('CN-11-CR'), ('CN-12-CR'), ('CN-13-CR'),
    ('CN-14-CR'), ('CN-15-CR'), ('CN-21-CR'), ('CN-22-CR'), ('CN-23-CR'), ('CN-31-CR'), ('CN-32-CR'), ('CN-33-CR'),
    ('CN-34-CR'), ('CN-35-CR'), ('CN-36-CR'), ('CN-37-CR'), ('CN-41-CR'), ('CN-42-CR'), ('CN-43-CR'), ('CN-44-CR'),
    ('CN-45-CR'), ('CN-46-CR'), ('CN-50-CR'), ('CN-51-CR'), ('CN-52-CR'), ('CN-53-CR'), ('CN-54-CR'), ('CN-61-CR'),
    ('CN-62-CR'), ('CN-63-CR'), ('CN-64-CR'), ('CN-65-CR'), ('CN-92-CR'), ('CN-COA'), ('CN-CR'), ('CN-SAIC'),
    ('CN-USCI'), ('CO-CCB'), ('CO-COA'), ('CO-NIT'), ('CO-RUE'), ('CR-COA'), ('CR-CR'), ('CR-RPJ'),
    ('CU-COA'), ('CU-CR'), ('CV-COA'), ('CV-CR'), ('CW-COA'), ('CX-COA'), ('CY-COA'), ('CY-CR'),
    ('CY-DRCOR'), ('CZ-COA'), ('CZ-CR'), ('CZ-DIC'), ('CZ-ICO'), ('DE-COA'), ('DE-CR'), ('DJ-COA'),
    ('DJ-CR'), ('DK-COA'), ('DK-CR'), ('DK-CVR'), ('DM-COA'), ('DM-CR'), ('DO-COA'), ('DO-CR'),
    ('DZ-COA'), ('DZ-CR'), ('EC-COA'), ('EC-CR'), ('EC-RUC'), ('EE-COA'), ('EE-CR'), ('EE-KMKR'),
    ('EE-RIK'), ('EG-COA'), ('EG-CR'), ('EG-MOSS'), ('EH-COA'), ('ER-COA'), ('ER-CR'), ('ES-COA'),
    ('ES-CR'), ('ES-DIR3'), ('ES-MDJ'), ('ES-NIF'), ('ES-RMC'), ('ET-COA'), ('ET-CR'), ('ET-CSA'),
    ('ET-MFA'), ('ET-MOT'), ('ET-TIN'), ('FI-COA'), ('FI-CR'), ('FI-PRO'), ('FI-VERO'), ('FJ-COA'),
    ('FJ-CR'), ('FK-COA'), ('FM-COA'), ('FM-CR'), ('FO-COA'), ('FR-COA'), ('FR-INSEE'), ('FR-RCS'),
    ('GA-COA'), ('GA-CR'), ('GB-CASC'), ('GB-CCSCUST'), ('GB-CHC'), ('GB-COA'), ('GB-COE'), ('GB-COH'),
    ('GB-EDU'), ('GB-GOR'), ('GB-GOV'), ('GB-GOVUK'), ('GB-HESA'), ('GB-IRN'), ('GB-LAE'), ('GB-LANI'),
    ('GB-LAS'), ('GB-MPR'), ('GB-NHS'), ('GB-NIC'), ('GB-PLA'), ('GB-REV'), ('GB-SC'), ('GB-SCOTEDU'),
    ('GB-SHPE'), ('GB-SRS'), ('GB-UKPRN'), ('GB-WALEDU'), ('GD-COA'), ('GD-CR'), ('GE-COA'), ('GE-CR'),
    ('GE-NAPR'), ('GE-RS'), ('GF-COA'), ('GG-COA'), ('GG-RCE'), ('GH-COA'), ('GH-CR'), ('GH-DSW'),
    ('GH-RGD'), ('GH-TIN'), ('GI-COA'), ('GI-CR'), ('GL-COA'), ('GL-CR'), ('GM-COA'), ('GM-CR'),
    ('GN-COA'), ('GN-CR'), ('GP-COA'), ('GQ-COA'), ('GQ-CR'), ('GR-COA'), ('GR-CR'), ('GS-COA'),
    ('GT-CISP'), ('GT-COA'), ('GT-CR'), ('GT-NIT'), ('GT-RPJ'), ('GU-COA'), ('GW-COA'), ('GW-CR'),
    ('GY-COA'), ('GY-CR'), ('HK-COA'), ('HK-CR'), ('HM-COA'), ('HN-COA'), ('HN-CR'), ('HN-RTN'),
    ('HR-COA'), ('HR-CR'), ('HR-MBS'), ('HR-OIB'), ('HT-COA'), ('HT-CR'), ('HU-AFA'), ('HU-COA'),
    ('HU-CR'), ('ID-COA'), ('ID-DJP'), ('ID-KDN'), ('ID-KHH'), ('ID-KLN'), ('ID-PRO'), ('ID-SMR'),
    ('IE-CHY'), ('IE-COA'), ('IE-CR'), ('IE-CRO'), ('IL-COA'), ('IL-CR'), ('IL-RA'), ('IL-ROC'),
    ('IM-COA'), ('IM-CR'), ('IM-GR'), ('IN-COA'), ('IN-CR'), ('IN-MCA'), ('IN-MHA'), ('IN-PAN'),
    ('IO-COA'), ('IQ-COA'), ('IQ-CR'), ('IQ-MOT'), ('IQ-NGO'), ('IR-COA'), ('IR-CR'), ('IS-COA'),
    ('IS-CR'), ('IS-KEN'), ('IT-CF'), ('IT-COA'), ('IT-CR'), ('IT-CUUO'), ('IT-RI'), ('JE-COA'),
    ('JE-FSC'), ('JE-JCR'), ('JE-OAC'), ('JM-COA'), ('JM-CR'), ('JO-CCD'), ('JO-COA'), ('JO-CR'),
    ('JO-MSD'), ('JP-COA'), ('JP-CR'), ('JP-JCN'), ('KE-COA'), ('KE-KRA'), ('KE-NCB'), ('KE-RCO'),
    ('KE-RSO'), ('KG-COA'), ('KG-CR'), ('KG-ID'), ('KG-INN'), ('KG-OKPO'), ('KG-TIN'), ('KH-COA'),
    ('KH-CR'), ('KH-INGO'), ('KH-NNGO'), ('KH-TIN'), ('KI-COA'), ('KI-CR'), ('KM-COA'), ('KM-CR'),
    ('KN-COA'), ('KN-CR'), ('KP-COA'), ('KR-BRN'), ('KR-COA'), ('KR-CR'), ('KW-COA'), ('KW-CR'),
    ('KY-COA'), ('KZ-BIN'), ('KZ-COA'), ('KZ-CR'), ('LA-COA'), ('LA-CR'), ('LB-COA'), ('LB-CR'),
    ('LB-MOI'), ('LC-COA'), ('LC-CR'), ('LI-COA'), ('LI-CR'), ('LK-COA'), ('LK-CR'), ('LK-DRC'),
    ('LK-NGO'), ('LR-COA'), ('LR-CR'), ('LR-MFDPNGO'), ('LS-COA'), ('LS-CR'), ('LS-HEI'), ('LS-LCN'),
    ('LS-SRN'), ('LT-COA'), ('LT-CR'), ('LT-PVM'), ('LT-RC'), ('LU-COA'), ('LU-CR'), ('LU-RCS'),
    ('LV-COA'), ('LV-CR'), ('LV-RE'), ('LY-COA'), ('MA-COA'), ('MA-CR'), ('MC-COA'), ('MC-RCI'),
    ('MD-COA'), ('MD-CR'), ('MD-IDNO'), ('ME-COA'), ('ME-CR'), ('ME-PIB'), ('MF-COA'), ('MG-COA'),
    ('MG-NIF'), ('MH-COA'), ('MH-CR'), ('MK-COA'), ('MK-CR'), ('ML-CCIM'), ('ML-COA'), ('ML-CR'),
    ('ML-MAT'), ('ML-NIF'), ('MM-COA'), ('MM-CR'), ('MM-MHA'), ('MN-COA'), ('MN-CR'), ('MO-COA'),
    ('MP-COA'), ('MQ-COA'), ('MR-COA'), ('MR-CR'), ('MS-COA'), ('MT-COA'), ('MT-CR'), ('MU-COA'),
    ('MU-CR'), ('MV-COA'), ('MV-CR'), ('MW-CNM'), ('MW-COA'), ('MW-CR'), ('MW-MRA'), ('MW-NBM'),
    ('MW-RG'), ('MX-CMX_CPA'), ('MX-COA'), ('MX-CPA'), ('MX-CR'), ('MX-RFC'), ('MY-COA'), ('MY-CR'),
    ('MY-SSM'), ('MZ-COA'), ('MZ-CR'), ('MZ-MOJ'), ('MZ-NUIT'), ('NA-BIPA'), ('NA-COA'), ('NA-CR'),
    ('NA-NAMRA'), ('NC-COA'), ('NE-COA'), ('NE-CR'), ('NE-DGI'), ('NF-COA'), ('NG-BPP'), ('NG-CAC'),
    ('NG-COA'), ('NG-CR'), ('NG-TIN'), ('NI-COA'), ('NI-CR'), ('NL-COA'), ('NL-KVK'), ('NL-OWMS'),
    ('NO-BRC'), ('NO-COA'), ('NO-CR'), ('NP-COA'), ('NP-CR'), ('NP-CRO'), ('NP-IRD'), ('NP-SWC'),
    ('NR-COA'), ('NU-COA'), ('NZ-CO'), ('NZ-COA'), ('NZ-CR'), ('NZ-NZBN'), ('OM-COA'), ('OM-CR'),
    ('PA-COA'), ('PA-CR'), ('PA-PRP'), ('PE-COA'), ('PE-RUC'), ('PE-SUNARP'), ('PF-COA'), ('PG-COA'),
    ('PG-IPA'), ('PH-COA'), ('PH-CR'), ('PH-SEC'), ('PK-COA'), ('PK-CR'), ('PK-NTN'), ('PK-PCP'),
    ('PK-SEC'), ('PK-VSWA'), ('PK_IS-IRT'), ('PL-COA'), ('PL-KRS'), ('PL-NIP'), ('PL-REGON'), ('PM-COA'),
    ('PN-COA'), ('PR-COA'), ('PR-CR'), ('PS-COA'), ('PS-CR'), ('PS-MOI'), ('PS-TIN'), ('PT-COA'),
    ('PT-CR'), ('PT-NIPPC'), ('PW-COA'), ('PW-CR'), ('PY-COA'), ('PY-CR'), ('PY-PGN'), ('PY-RUC'),
    ('QA-COA'), ('QA-CR'), ('QA-MOI'), ('RE-COA'), ('RO-COA'), ('RO-CR'), ('RO-CUI'), ('RS-APR'),
    ('RS-COA'), ('RS-CR'), ('RS-PIB'), ('RU-COA'), ('RU-CR'), ('RU-INN'), ('RU-OGRN'), ('RW-COA'),
    ('RW-CR'), ('RW-RGB'), ('RW-RRA'), ('SA-COA'), ('SA-CR'), ('SB-BR'), ('SB-COA'), ('SC-COA'),
    ('SC-CR'), ('SD-COA'), ('SD-CR'), ('SE-BLV'), ('SE-COA'), ('SE-CR'), ('SE-KK'), ('SE-ON'),
    ('SG-ACRA'), ('SG-COA'), ('SG-COC'), ('SG-CR'), ('SH-COA'), ('SI-COA'), ('SI-CR'), ('SI-PRS'),
    ('SI-TIN'), ('SJ-COA'), ('SK-COA'), ('SK-CR'), ('SK-ICO'), ('SK-ORSR'), ('SK-ZRSR'), ('SL-COA'),
    ('SL-CR'), ('SL-NRA'), ('SL-OARG'), ('SM-COA'), ('SM-CR'), ('SN-COA'), ('SN-CR'), ('SN-NINEA'),
    ('SO-COA'), ('SO-MPND'), ('SR-COA'), ('SR-CR'), ('SS-COA'), ('SS-CR'), ('SS-RRC'), ('ST-COA'),
    ('ST-CR'), ('SV-COA'), ('SV-CR'), ('SV-NIT'), ('SX-COA'), ('SY-COA'), ('SY-CR'), ('SZ-CIT'),
    ('SZ-COA'), ('SZ-CR'), ('TC-COA'), ('TD-COA'), ('TD-CR'), ('TF-COA'), ('TG-COA'), ('TG-CR'),
    ('TG-NIF'), ('TG-ONE'), ('TH-COA'), ('TH-CR'), ('TH-MOI'), ('TH-TIN'), ('TJ-COA'), ('TJ-CR'),
    ('TJ-TIN'), ('TK-COA'), ('TL-COA'), ('TL-CR'), ('TM-COA'), ('TN-COA'), ('TN-CR'), ('TN-RNE'),
    ('TO-COA'), ('TO-CR'), ('TR-COA'), ('TR-CR'), ('TR-MERSIS'), ('TR-MOI'), ('TR-VKN'), ('TT-COA'),
    ('TT-CR'), ('TV-COA'), ('TW-COA'), ('TW-CR'), ('TZ-BRLA'), ('TZ-COA'), ('TZ-CR'), ('TZ-NNCB'),
    ('TZ-TRA'), ('UA-COA'), ('UA-CR'), ('UA-EDR'), ('UG-204CBO'), ('UG-COA'), ('UG-CR'), ('UG-NGB'),
    ('UG-NGO'), ('UG-RSB'), ('UM-COA'), ('US-AK_CR'), ('US-AL_CR'), ('US-AR_CR'), ('US-AZ_CR'), ('US-CA_CR'),
    ('US-COA'), ('US-CO_CR'), ('US-CT_CR'), ('US-DC_CR'), ('US-DE_CR'), ('US-DOS'), ('US-EIN'), ('US-FL_CR'),
    ('US-GA_CR'), ('US-HI_CR'), ('US-IA_CR'), ('US-ID_CR'), ('US-IL_CR'), ('US-IN_CR'), ('US-KS_CR'), ('US-KY_CR'),
    ('US-LA_CR'), ('US-MA_CR'), ('US-MD_CR'), ('US-ME_CR'), ('US-MI_CR'), ('US-MN_CR'), ('US-MO_CR'), ('US-MS_CR'),
    ('US-MT_CR'), ('US-NC_CR'), ('US-ND_CR'), ('US-NE_CR'), ('US-NH_CR'), ('US-NJ_CR'), ('US-NM_CR'), ('US-NV_CR'),
    ('US-NY_CR'), ('US-OH_CR'), ('US-OK_CR'), ('US-OR_CR'), ('US-PA_CR'), ('US-RI_CR'), ('US-SAM'), ('US-SC_CR'),
    ('US-SD_CR'), ('US-TN_CR'), ('US-TX_CR'), ('US-USAGOV'), ('US-UT_CR'), ('US-VA_CR'), ('US-VT_CR'), ('US-WA_CR'),
    ('US-WI_CR'), ('US-WV_CR'), ('US-WY_CR'), ('UY-COA'), ('UY-CR'), ('UZ-COA'), ('UZ-CR'), ('UZ-KTUT'),
    ('VA-COA'), ('VC-COA'), ('VC-CR'), ('VE-COA'), ('VE-CR'), ('VG-COA'), ('VI-COA'), ('VN-COA'),
    ('VN-CR'), ('VN-MOST'), ('VN-TIN'), ('VU-COA'), ('VU-CR'), ('WF-COA'), ('WS-COA'), ('WS-CR'),
    ('XK-COA'), ('XK-CR'), ('XM-DAC'), ('XM-OCHA'), ('YE-COA'), ('YE-CR'), ('YE-MOPIC'), ('YE-MSAL'),
    ('YT-COA'), ('ZA-CIP'), ('ZA-CIT'), ('ZA-COA'), ('ZA-CR'), ('ZA-NPO'), ('ZA-PBO'), ('ZM-COA'),
    ('ZM-CR'), ('ZM-NRB'), ('ZM-PCR'), ('ZM-RNGO'), ('ZM-RS'), ('ZW-COA'), ('ZW-CR'), ('ZW-PVO'),
    ('ZW-ROD')
  ) AS v(prefix)
),
ids AS (
  SELECT id, upper(recipient_org_id) AS r, CHARINDEX('-', upper(recipient_org_id)) AS h1
  FROM grants WHERE quality_flags IS NOT NULL AND (quality_flags & 4) <> 0 AND recipient_org_id IS NOT NULL
),
two AS (
  SELECT id, r, h1, CHARINDEX('-', SUBSTRING(r, h1 + 1, 4000)) AS h2 FROM ids WHERE h1 > 0
),
prefixes AS (
  SELECT id, SUBSTRING(r, 1, h1 + h2 - 1) AS p2,
         CASE WHEN CHARINDEX('-', SUBSTRING(r, h1 + h2 + 1, 4000)) > 0
              THEN SUBSTRING(r, 1, h1 + h2 + CHARINDEX('-', SUBSTRING(r, h1 + h2 + 1, 4000)) - 1) END AS p3
  FROM two WHERE h2 > 0
)
UPDATE grants SET quality_flags = quality_flags & ~4
WHERE id IN (
  SELECT p.id FROM prefixes p WHERE p.p2 IN (SELECT prefix FROM bases) OR p.p3 IN (SELECT prefix FROM bases)
);

UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL AND (quality_flags & 4) <> 0 AND recipient_org_id IS NOT NULL
  AND recipient_org_id NOT LIKE '[A-Za-z0-9]%';
