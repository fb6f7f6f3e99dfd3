-- Console languages (issue 14): a rejected row's error is also stored as a ProblemText key with its arguments and its
-- place (JSON: {"key","args","cell","place"}, Csv.RowText), so the console's import page says it in the page's language
-- while `message` keeps the English the API returns. Null for errors stored before this migration (shown in English).
ALTER TABLE grant_import_errors ADD COLUMN message_text text;
