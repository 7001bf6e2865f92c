// The console's entry point, bundled by console/build.ts into console/dist/app.js.
import { render } from 'preact';
import { App } from './components/App.tsx';
import './console.css';

render(<App />, document.getElementById('root')!);
