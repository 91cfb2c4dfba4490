import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';

import { i18nNamespaces } from '@temporalio/ui/i18n/index';
import resources from '@temporalio/ui/i18n/locales/index';

// A client-only app: the server only serves the built files.
export const ssr = false;
export const prerender = false;

let started = false;

export const load = async () => {
  if (started) return;
  started = true;
  await i18next.use(LanguageDetector).init({
    fallbackLng: 'en',
    load: 'languageOnly',
    ns: i18nNamespaces,
    defaultNS: 'common',
    detection: { order: ['querystring', 'localStorage', 'navigator'], caches: ['localStorage'] },
    resources,
  });
};
