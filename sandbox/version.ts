/** The API version pinned by the stripe package this repo uses (stripe 23.1.0). */
export const API_VERSION = '2026-10-28.endive';
