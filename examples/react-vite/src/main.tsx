import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// StrictMode mounts, unmounts and mounts again in development: the checkout stays one element, creates no second
// payment and leaves no stream open.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
