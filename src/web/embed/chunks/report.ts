// The report chunk, loaded on first use (src/web/embed/lazy.tsx).
export { ReportForm, ignore } from '../components/ReportForm.js';
import '../read.js';
