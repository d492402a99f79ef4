// The report chunk, loaded on first use (src/web/embed/lazy.tsx).
export { ReportForm } from '../components/ReportForm.js';
import '../read.js';
