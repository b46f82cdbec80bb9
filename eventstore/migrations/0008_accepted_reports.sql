-- The accepted annual reports, a read model kept by the projector (projections/) for the zone's
-- indicators [Decree 1166 Reg. §9.4]: one row per agreement and year whose report is accepted,
-- with the report's actuals as accepted and when it was accepted.
--
-- Like the other read models (0007_projections) it is disposable and rebuilt from the log alone:
-- an agreement's rows are replaced, in the same transaction as its row of agreements and guarded
-- by the same stream version, by the accepted reports of its state folded to that version. So a
-- report that stops being accepted (whatever event of the domain may do so one day) leaves the
-- table at once, and a rebuild gives the same rows.
--
-- Money in KZT with tiyn (numeric(17,2), as the events' decimal strings); the Kazakhstani
-- content share in basis points (5000 = 50 %).
-- depends: 0007_projections

CREATE TABLE accepted_reports (
    agreement_id text COLLATE "C" NOT NULL,
    year integer NOT NULL,
    report_id text COLLATE "C" NOT NULL,
    bin text COLLATE "C" NOT NULL,
    investment_foreign_kzt numeric(17, 2) NOT NULL,
    investment_domestic_kzt numeric(17, 2) NOT NULL,
    production_volume_kzt numeric(17, 2) NOT NULL,
    jobs integer NOT NULL,
    kz_content_bp integer NOT NULL CHECK (kz_content_bp BETWEEN 0 AND 10000),
    imported_goods_consumed_kzt numeric(17, 2) NOT NULL,
    accepted_at timestamptz NOT NULL,
    PRIMARY KEY (agreement_id, year)
);

-- The zone's figures are asked for by year.
CREATE INDEX accepted_reports_year ON accepted_reports (year);
CREATE INDEX accepted_reports_bin ON accepted_reports (bin);

REVOKE ALL ON accepted_reports FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON accepted_reports TO pit_app;
