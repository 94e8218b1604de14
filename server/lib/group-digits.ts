/**
 * Groups a VA number or payment code in blocks of four for reading aloud: `8808123456789012` → `8808 1234 5678 9012`.
 * One function for the widget's views (widget/internal/view-format.ts) and the companion's how-to-pay steps
 * (domain/pay-steps.ts), so a step names the number exactly as the view beside it shows it.
 */
export const groupDigits = (value: string): string => value.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
